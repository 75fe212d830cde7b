// A throwaway Vite site for core's browser tests: a page that exposes @fmnist/core, data in public/, served by a real `vite` dev server or `vite preview`, with every data request counted at the server.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromiumArgs, chromiumPath, realDataDir } from '@fmnist/test-utils';
import { type Browser, chromium } from 'playwright-core';
import { build, createServer, type InlineConfig, type Plugin, preview } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { test as fixtureTest, train as fixtureTrain } from './loadFixtures.ts';

const coreSrc = path.resolve(import.meta.dirname, '../src');

declare global {
  interface Window {
    /** The main entry of @fmnist/core, as the site's page module exposes it. */
    core: typeof import('@fmnist/core');
  }
}

/** A page module that puts the whole main entry on `window.core`. */
const MAIN = `import * as core from '@fmnist/core';
window.core = core;
window.coreReady = true;
`;

/** The fixture files (loadFixtures.ts) by name, as they go into a public folder. */
export const FIXTURE_FILES: Record<string, Uint8Array> = {
  'train-images.gz': fixtureTrain.imagesIdxGz,
  'train-labels.gz': fixtureTrain.labelsIdxGz,
  'test-images.gz': fixtureTest.imagesIdxGz,
  'test-labels.gz': fixtureTest.labelsIdxGz,
};

/** The four official Fashion-MNIST file names. */
export const REAL_FILES = [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
] as const;

/** The real Fashion-MNIST files of `names` as {@link PublicFiles} entries (links to FMNIST_DATA_DIR). */
export function realFiles(names: readonly string[] = REAL_FILES): Record<string, string> {
  const dir = realDataDir('fashion-mnist');
  return Object.fromEntries(names.map((n) => [n, path.join(dir, n)]));
}

/** What goes into the site's `public/` folder: folder -> files (bytes, or a path to link). */
export type PublicFiles = Record<string, Record<string, Uint8Array | string>>;

/** One running server of a {@link ViteSite}. */
export interface RunningServer {
  /** The page's URL (ends in `/`). */
  url: string;
  /** Requests seen under `/<folder>/` per file name since the last `resetCounts`. */
  counts: Map<string, number>;
  /** The response headers of the last request per file name. */
  headers: Map<string, Record<string, string | string[] | undefined>>;
  resetCounts(): void;
  close(): Promise<void>;
}

/** A temporary Vite project with the data in public/, and the browser that visits it. */
export interface ViteSite {
  root: string;
  browser: Browser;
  /** `vite` (createServer) on 127.0.0.1. */
  dev(): Promise<RunningServer>;
  /** `vite build`, then `vite preview` on 127.0.0.1. */
  preview(): Promise<RunningServer>;
  close(): Promise<void>;
}

/** Counts requests for the data folders, and notes the headers the server answered with. */
function counter(
  folders: string[],
  counts: Map<string, number>,
  headers: RunningServer['headers'],
): Plugin {
  const middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const url = (req.url ?? '').split('?')[0];
    const folder = folders.find((f) => url.startsWith(`/${f}/`));
    if (folder) {
      const name = `${folder}/${path.posix.basename(url)}`;
      counts.set(name, (counts.get(name) ?? 0) + 1);
      res.on('finish', () => headers.set(name, res.getHeaders() as never));
    }
    next();
  };
  return {
    name: 'count-data-requests',
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
  };
}

/**
 * Writes a Vite project (index.html, main.ts exposing `window.core`, `public/<folder>/...`) into a
 * temporary folder and launches Chromium. `@fmnist/core` resolves to core's sources, as in a
 * workspace; nothing serves the data but Vite's own static serving of `public/`.
 */
export async function makeViteSite(
  files: PublicFiles,
  page: { html?: string; modules?: Record<string, string> } = {},
): Promise<ViteSite> {
  const root = await mkdtemp(path.join(tmpdir(), 'fmnist-vite-site-'));
  await writeFile(
    path.join(root, 'index.html'),
    page.html ??
      '<!doctype html><canvas id="grid"></canvas><script type="module" src="/main.ts"></script>',
  );
  for (const [name, code] of Object.entries({ 'main.ts': MAIN, ...page.modules })) {
    await writeFile(path.join(root, name), code);
  }
  for (const [folder, entries] of Object.entries(files)) {
    const dir = path.join(root, 'public', folder);
    await mkdir(dir, { recursive: true });
    for (const [name, content] of Object.entries(entries)) {
      if (typeof content === 'string') await symlink(content, path.join(dir, name));
      else await writeFile(path.join(dir, name), content);
    }
  }
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [...chromiumArgs],
  });
  const folders = Object.keys(files);
  const config = (
    counts: Map<string, number>,
    headers: RunningServer['headers'],
  ): InlineConfig => ({
    root,
    configFile: false,
    logLevel: 'warn',
    plugins: [counter(folders, counts, headers)],
    resolve: { alias: [{ find: /^@fmnist\/core$/, replacement: path.join(coreSrc, 'index.ts') }] },
    server: { host: '127.0.0.1', port: 0, strictPort: false, fs: { allow: [root, coreSrc] } },
    preview: { host: '127.0.0.1', port: 0 },
    build: { outDir: path.join(root, 'dist'), emptyOutDir: true, target: 'es2022' },
    worker: { format: 'es' },
  });
  const running = (
    url: string,
    counts: Map<string, number>,
    headers: RunningServer['headers'],
    close: () => Promise<void>,
  ): RunningServer => ({ url, counts, headers, resetCounts: () => counts.clear(), close });
  return {
    root,
    browser,
    async dev() {
      const counts = new Map<string, number>();
      const headers: RunningServer['headers'] = new Map();
      const server = await createServer(config(counts, headers));
      await server.listen();
      const url = server.resolvedUrls!.local[0];
      return running(url, counts, headers, () => server.close());
    },
    async preview() {
      const counts = new Map<string, number>();
      const headers: RunningServer['headers'] = new Map();
      await build(config(counts, headers));
      const server = await preview(config(counts, headers));
      const url = server.resolvedUrls!.local[0];
      return running(url, counts, headers, () => server.close());
    },
    async close() {
      await browser.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** What {@link openPage} returns: the page, its own context, and the page errors seen so far. */
export type OpenedPage = Awaited<ReturnType<typeof openPage>>;

/** Opens the site's page in a fresh context (own storage) and waits for `window.core`. */
export async function openPage(browser: Browser, url: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => 'coreReady' in window, undefined, { timeout: 60_000 });
  return { context, page, errors };
}

/**
 * Runs `use` on a fresh page of `server` (see {@link openPage}) and closes the page's context
 * afterwards, whether `use` passed or threw.
 */
export async function inPage<T>(
  site: ViteSite,
  server: RunningServer,
  use: (opened: OpenedPage) => Promise<T>,
): Promise<T> {
  const opened = await openPage(site.browser, server.url);
  try {
    return await use(opened);
  } finally {
    await opened.context.close();
  }
}

/**
 * A stand-in for a value that a `beforeAll` hook creates: reading a property before the hook ran
 * throws, afterwards it reads (and binds methods of) the value, so a test file can name the value
 * once at the top instead of declaring a `let` and assigning it in its hooks.
 */
function later<T extends object>(what: string): { stand: T; set(value: T): void; value?: T } {
  const slot: { stand: T; set(value: T): void; value?: T } = {
    stand: new Proxy({} as T, {
      get(_, key) {
        if (!slot.value) throw new Error(`${what} is not ready: read it in a test or a hook`);
        const v = Reflect.get(slot.value, key);
        return typeof v === 'function' ? v.bind(slot.value) : v;
      },
    }),
    set: (value) => {
      slot.value = value;
    },
  };
  return slot;
}

/**
 * Registers the hooks of a browser test file: {@link makeViteSite} with `files` and `page` before
 * its tests, closed after them. Returns the site, usable inside tests and hooks.
 */
export function useViteSite(
  files: PublicFiles,
  page?: Parameters<typeof makeViteSite>[1],
): ViteSite {
  const site = later<ViteSite>('the Vite site');
  beforeAll(async () => site.set(await makeViteSite(files, page)), 120_000);
  afterAll(async () => {
    await site.value?.close();
  });
  return site.stand;
}

/**
 * Registers the hooks of one server of `site` (`vite` dev or `vite preview`) for the current file
 * or `describe`: started before its tests, closed after them. Returns the running server.
 */
export function useSiteServer(site: ViteSite, kind: 'dev' | 'preview'): RunningServer {
  const server = later<RunningServer>(`the vite ${kind} server`);
  beforeAll(async () => server.set(await site[kind]()), 120_000);
  afterAll(async () => {
    await server.value?.close();
  });
  return server.stand;
}
