// The bootstrap every example page shares: the query string pre-fills the form, ?autostart=1 starts at once.

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
