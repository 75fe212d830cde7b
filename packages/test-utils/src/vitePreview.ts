// A page behind a real `vite preview` or `vite` dev server, with the dataset files in a temporary public/ folder as a user would put them, and headless Chromium to visit it.
import { mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromiumArgs, chromiumPath, realDataDir } from './realData.ts';

/** The part of vite's config {@link previewWithData} passes to `build` and `preview`. */
export interface PreviewViteConfig {
  root?: string;
  configFile?: string;
  publicDir: string;
  logLevel: 'info' | 'warn' | 'error' | 'silent';
  build: { outDir: string; emptyOutDir: boolean };
  preview: { host: string; port: number };
}

/** Options for {@link previewWithData}. */
export interface PreviewWithDataOptions<B extends { close(): Promise<void> }> {
  /** vite's `build`. */
  build: (config: PreviewViteConfig) => Promise<unknown>;
  /** vite's `preview`. */
  preview: (
    config: PreviewViteConfig,
  ) => Promise<{ resolvedUrls: { local: string[] } | null; close(): Promise<void> }>;
  /** playwright's `chromium`; launched with chromiumPath() and chromiumArgs. */
  chromium: { launch(options: { executablePath: string; args: string[] }): Promise<B> };
  /** The page's vite config: `root` or `configFile`. */
  vite: { root?: string; configFile?: string };
  /** Prefix of the temporary folder (public/ and dist/ go in it). */
  tmpPrefix: string;
  /**
   * Folders of the public dir -> dataset whose four .gz files they get (symbolic links to the
   * real files; no data is copied into the repository), e.g. `{ 'data/fashion-mnist':
   * 'fashion-mnist' }` serves `/data/fashion-mnist/t10k-labels-idx1-ubyte.gz`.
   */
  data: Record<string, 'fashion-mnist' | 'mnist'>;
}

/** A running {@link previewWithData}. */
export interface PreviewedPage<B> {
  /** The page's URL (ends in `/`). */
  url: string;
  browser: B;
  /** Closes the browser and the server and removes the temporary folder. */
  close(): Promise<void>;
}

/**
 * Builds the page with its own vite config and a temporary public dir holding the data, serves
 * the build with `vite preview` on 127.0.0.1 (a secure context) and launches Chromium. Nothing
 * but Vite serves the data: what a user gets after putting the files in `public/data/`.
 */
export async function previewWithData<B extends { close(): Promise<void> }>(
  options: PreviewWithDataOptions<B>,
): Promise<PreviewedPage<B>> {
  return servedWithData(options, async (publicDir, temp) => {
    const config: PreviewViteConfig = {
      ...options.vite,
      publicDir,
      logLevel: 'warn',
      build: { outDir: path.join(temp, 'dist'), emptyOutDir: true },
      preview: { host: '127.0.0.1', port: 0 },
    };
    await options.build(config);
    return options.preview(config);
  });
}

/**
 * The steps both servers share: a temporary folder with the data in `public/`, the server that
 * `start` starts on it (its URL from `resolvedUrls`), then Chromium; on failure, and on
 * `close()`, everything started is closed and the folder removed.
 */
async function servedWithData<B extends { close(): Promise<void> }>(
  options: Pick<PreviewWithDataOptions<B>, 'tmpPrefix' | 'data' | 'chromium'>,
  start: (
    publicDir: string,
    temp: string,
  ) => Promise<{ resolvedUrls: { local: string[] } | null; close(): Promise<void> }>,
): Promise<PreviewedPage<B>> {
  const temp = await mkdtemp(path.join(tmpdir(), options.tmpPrefix));
  let server: { close(): Promise<void> } | undefined;
  let browser: B | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    await rm(temp, { recursive: true, force: true });
  };
  try {
    const running = await start(await publicDirWithData(temp, options.data), temp);
    server = running;
    browser = await options.chromium.launch({
      executablePath: chromiumPath(),
      args: [...chromiumArgs],
    });
    return { url: running.resolvedUrls!.local[0], browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * `temp/public` with each folder of `data` holding symbolic links to that dataset's four real
 * .gz files (no data is copied into the repository).
 */
async function publicDirWithData(
  temp: string,
  data: Record<string, 'fashion-mnist' | 'mnist'>,
): Promise<string> {
  const publicDir = path.join(temp, 'public');
  for (const [folder, dataset] of Object.entries(data)) {
    const dir = path.join(publicDir, folder);
    await mkdir(dir, { recursive: true });
    const source = realDataDir(dataset);
    for (const name of (await readdir(source)).filter((n) => n.endsWith('.gz'))) {
      await symlink(path.join(source, name), path.join(dir, name));
    }
  }
  return publicDir;
}

/** The part of vite's config {@link devWithData} passes to `createServer`. */
export interface DevViteConfig {
  root?: string;
  configFile?: string;
  publicDir: string;
  logLevel: 'info' | 'warn' | 'error' | 'silent';
  server: { host: string; port: number };
}

/** Options for {@link devWithData}: those of {@link previewWithData}, with vite's `createServer`. */
export interface DevWithDataOptions<B extends { close(): Promise<void> }>
  extends Omit<PreviewWithDataOptions<B>, 'build' | 'preview'> {
  /** vite's `createServer`. */
  createServer: (config: DevViteConfig) => Promise<{
    listen(): Promise<{ resolvedUrls: { local: string[] } | null }>;
    close(): Promise<void>;
  }>;
}

/**
 * The page served by a real `vite` dev server (its own config, sources transformed on demand)
 * with the data in a temporary public dir, and Chromium launched: what a user gets from `vite`
 * after putting the files in `public/data/`.
 */
export async function devWithData<B extends { close(): Promise<void> }>(
  options: DevWithDataOptions<B>,
): Promise<PreviewedPage<B>> {
  return servedWithData(options, async (publicDir) => {
    const dev = await options.createServer({
      ...options.vite,
      publicDir,
      logLevel: 'warn',
      server: { host: '127.0.0.1', port: 0 },
    });
    try {
      const { resolvedUrls } = await dev.listen();
      return { resolvedUrls, close: () => dev.close() };
    } catch (error) {
      await dev.close();
      throw error;
    }
  });
}
