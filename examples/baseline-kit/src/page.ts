// The bootstrap every example page shares: its published state and log, the query string pre-filling the form, ?autostart=1 starting at once.

/**
 * Wires a page's options form: each query-string value pre-fills the form field of that name,
 * submitting the form calls `start` instead of navigating, and `?autostart=1` calls it at once
 * (tests, bookmarks). Returns the parsed query string for the page's own keys.
 */
export function bootPage(
  form: HTMLFormElement,
  start: () => unknown,
  search: string = location.search,
): URLSearchParams {
  const params = new URLSearchParams(search);
  for (const [key, value] of params) {
    const field = form.elements.namedItem(key);
    if (field instanceof HTMLInputElement || field instanceof HTMLSelectElement)
      field.value = value;
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void start();
  });
  if (params.get('autostart') === '1') void start();
  return params;
}

/** The element with that id, typed as the caller knows it to be (the page's own markup). */
export const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** Options of {@link publishPageState}. */
export interface PageLogOptions {
  /** Id of the element the log shows in (default 'log'). */
  element?: string;
  /** How many of the last lines it shows (default all). */
  keep?: number;
  /** Scroll the element to its end after each line (default false). */
  follow?: boolean;
}

/**
 * Publishes `state` as `window[name]` (scripts and the Playwright tests read it there) and returns
 * it with `log`, which appends a line to `state.log` and shows the last lines in the log element.
 */
export function publishPageState<S extends { log: string[] }>(
  name: string,
  state: S,
  { element = 'log', keep, follow = false }: PageLogOptions = {},
): { state: S; log(line: string): void } {
  (window as unknown as Record<string, unknown>)[name] = state;
  const log = (line: string) => {
    state.log.push(line);
    const view = byId(element);
    view.textContent = (keep === undefined ? state.log : state.log.slice(-keep)).join('\n');
    if (follow) view.scrollTop = view.scrollHeight;
  };
  return { state, log };
}
