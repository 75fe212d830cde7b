// The harness the examples' browser tests share: a page served once per test file, a fresh tab that records page errors, and the wait for the state the page publishes.
import {
  type DevWithDataOptions,
  devWithData,
  type PreviewedPage,
  type PreviewWithDataOptions,
  previewWithData,
  type ServedPage,
  type ServePageOptions,
  servePage,
} from '@fmnist/test-utils';
import { type Browser, chromium } from 'playwright-core';
import { build, createServer, preview } from 'vite';
import { afterAll, beforeAll } from 'vitest';

type Closable = { close(): Promise<void> };

/** Options of the served-page hooks: vite's `build`/`preview` and playwright's `chromium` are ours. */
type HarnessOptions<O> = Omit<O, 'build' | 'preview' | 'createServer' | 'chromium'>;

/**
 * Starts `start()` in a beforeAll (with `timeoutMs`, builds are slow) and closes what it gave in
 * the afterAll; returns a getter, since the value exists only once beforeAll has run.
 */
function useServed<T extends Closable>(start: () => Promise<T>, timeoutMs: number): () => T {
  let served: T | undefined;
  beforeAll(async () => {
    served = await start();
  }, timeoutMs);
  afterAll(async () => {
    await served?.close();
  });
  return () => {
    if (!served) throw new Error('the page is not served: its beforeAll failed or has not run');
    return served;
  };
}

/**
 * The page built by vite and served with the real data from a 127.0.0.1 test server
 * ({@link servePage}) for the tests of this file. `timeoutMs` bounds the build and the launch.
 */
export function useServedPage(
  options: HarnessOptions<ServePageOptions<Browser>>,
  timeoutMs = 120_000,
): () => ServedPage<Browser> {
  return useServed(() => servePage({ ...options, build, chromium }), timeoutMs);
}

/**
 * The page built by vite and served by a real `vite preview` with the data in its public dir
 * ({@link previewWithData}) for the tests of this file. `timeoutMs` bounds the build and launch.
 */
export function usePreviewedPage(
  options: HarnessOptions<PreviewWithDataOptions<Browser>>,
  timeoutMs = 180_000,
): () => PreviewedPage<Browser> {
  return useServed(() => previewWithData({ ...options, build, preview, chromium }), timeoutMs);
}

/**
 * The page served by a real `vite` dev server with the data in its public dir
 * ({@link devWithData}) for the tests of this file. `timeoutMs` bounds the start and launch.
 */
export function useDevPage(
  options: HarnessOptions<DevWithDataOptions<Browser>>,
  timeoutMs = 120_000,
): () => PreviewedPage<Browser> {
  return useServed(() => devWithData({ ...options, createServer, chromium }), timeoutMs);
}

/** The part of a playwright Page {@link withTab} and {@link waitForPageState} use. */
export interface TabPage {
  on(event: 'pageerror', listener: (error: Error) => void): unknown;
  close(): Promise<void>;
}

/**
 * Opens a tab (with `pageOptions`, e.g. a viewport), records its uncaught errors in `errors`,
 * runs `body` and closes the tab whatever happens: the tests assert `errors` is empty.
 */
export async function withTab<P extends TabPage, O, T>(
  browser: { newPage(options?: O): Promise<P> },
  body: (page: P, errors: string[]) => Promise<T>,
  pageOptions?: O,
): Promise<T> {
  const page = await browser.newPage(pageOptions);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    return await body(page, errors);
  } finally {
    await page.close();
  }
}

/** The part of a playwright Page {@link waitForPageState} uses. */
export interface StatePage {
  waitForFunction(
    fn: (arg: [string, string[]]) => boolean,
    arg: [string, string[]],
    options: { timeout: number; polling: number },
  ): Promise<unknown>;
  evaluate(fn: (name: string) => unknown, arg: string): Promise<unknown>;
}

/**
 * Waits until the page's published `globalThis[name].status` is one of `statuses` (within
 * `timeout` ms, checked every `polling` ms) and returns that published state.
 */
export async function waitForPageState<S>(
  page: StatePage,
  name: string,
  statuses: string[],
  { timeout, polling = 500 }: { timeout: number; polling?: number },
): Promise<S> {
  await page.waitForFunction(
    ([global, until]) =>
      until.includes(
        String((globalThis as unknown as Record<string, { status?: string }>)[global]?.status),
      ),
    [name, statuses],
    { timeout, polling },
  );
  return (await page.evaluate(
    (global) => (globalThis as Record<string, unknown>)[global],
    name,
  )) as S;
}
