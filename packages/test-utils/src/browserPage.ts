// The harness the browser tests of the examples share: build a page with vite into a temporary
// folder, serve it and the real dataset .gz files from one 127.0.0.1 test server (a secure
// context, so crypto.subtle checksum verification works) and launch headless Chromium.
// vite's `build` and playwright's `chromium` come in as parameters: this package depends on
// neither, the examples do.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromiumArgs, chromiumPath, realDataDir } from './realData.ts';
import { startTestServer, type TestServer } from './testServer.ts';

/** Content types the built pages need (module scripts must not go out as octet-stream). */
export const PAGE_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** Every file under `dir`, as paths relative to it with `/` separators. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

export interface ServePageOptions<B extends { close(): Promise<void> }> {
  /** vite's `build`. */
  build: (config: {
    root?: string;
    configFile?: string;
    logLevel?: 'info' | 'warn' | 'error' | 'silent';
    build: { outDir: string; emptyOutDir: boolean };
  }) => Promise<unknown>;
  /** The vite config to build with: `root` or `configFile`, and a log level (default 'warn'). */
  vite: { root?: string; configFile?: string; logLevel?: 'info' | 'warn' | 'error' | 'silent' };
  /** playwright's `chromium`; launched with chromiumPath() and chromiumArgs. */
  chromium: { launch(options: { executablePath: string; args: string[] }): Promise<B> };
  /** Prefix of the temporary folder the page is built into. */
  tmpPrefix: string;
  /**
   * The real dataset files to serve: URL folder -> dataset, e.g. `{ data: 'fashion-mnist' }`
   * serves `/data/train-images-idx3-ubyte.gz` and the other .gz files of that dataset.
   */
  data?: Record<string, 'fashion-mnist' | 'mnist'>;
}

export interface ServedPage<B> {
  /** The folder the page was built into (removed by `close`). */
  outDir: string;
  server: TestServer;
  browser: B;
  /** Closes the browser and the server and removes `outDir`. */
  close(): Promise<void>;
}

/** Builds the page, serves it with the real data from 127.0.0.1 and launches Chromium. */
export async function servePage<B extends { close(): Promise<void> }>(
  options: ServePageOptions<B>,
): Promise<ServedPage<B>> {
  const outDir = await mkdtemp(path.join(tmpdir(), options.tmpPrefix));
  let server: TestServer | undefined;
  let browser: B | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    await rm(outDir, { recursive: true, force: true });
  };
  try {
    await options.build({
      logLevel: 'warn',
      ...options.vite,
      build: { outDir, emptyOutDir: true },
    });
    server = await startTestServer();
    for (const file of await listFiles(outDir)) {
      server.route(file, {
        kind: 'file',
        path: path.join(outDir, file),
        headers: {
          'content-type': PAGE_CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
        },
      });
    }
    for (const [folder, dataset] of Object.entries(options.data ?? {})) {
      const dataDir = realDataDir(dataset);
      for (const name of (await readdir(dataDir)).filter((n) => n.endsWith('.gz'))) {
        server.route(`${folder.replace(/^\/+|\/+$/g, '')}/${name}`, {
          kind: 'file',
          path: path.join(dataDir, name),
        });
      }
    }
    browser = await options.chromium.launch({
      executablePath: chromiumPath(),
      args: [...chromiumArgs],
    });
    return { outDir, server, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}
