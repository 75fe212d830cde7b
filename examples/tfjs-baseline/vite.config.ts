// Vite config of the tfjs baseline page: source conditions, and the local data files in dev and preview.
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

type CoreNode = typeof import('@fmnist/core/node');

/**
 * Core's Node entry, imported when the first data request arrives. Not a top-level import: vite
 * bundles this config resolving packages without the `@fmnist/source` condition, so a static
 * import would need core's `dist/` (absent on a clean clone); `vite build` never reaches this,
 * and `pnpm page` runs vite with the source condition and tsx, where core's sources load.
 */
const loadCore = (): Promise<CoreNode> => {
  const specifier = '@fmnist/core/node';
  return import(/* @vite-ignore */ specifier);
};

/**
 * Serves `/data/<dataset>/<file>.gz` in `vite` dev and `vite preview` with the file `loadDataset`
 * in Node would read (core's `locateDatasetFiles`: `FMNIST_DATA_DIR` / `FMNIST_MNIST_DIR`, then
 * the cache), so the page can train offline: open `/?data=/data/fashion-mnist/`. Only the
 * dataset's own `.gz` files are served.
 */
function localData(): Plugin {
  const serve = async (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const [, dataset, name] = (req.url ?? '').split('?')[0].split('/');
    if (!dataset || !name?.endsWith('.gz')) return next();
    const { locateDatasetFiles } = await loadCore();
    const { files } = await locateDatasetFiles({ dataset });
    const found = files.find((f) => f.file.name === name)?.path;
    // Only the published `.gz` bytes: an unpacked copy would not match the page's checksums.
    if (!found?.endsWith('.gz')) return next();
    res.setHeader('content-type', 'application/octet-stream');
    createReadStream(found).pipe(res);
  };
  const middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) =>
    void serve(req, res, next).catch(() => next());
  return {
    name: 'fmnist-local-data',
    configureServer: (server) => void server.middlewares.use('/data', middleware),
    configurePreviewServer: (server) => void server.middlewares.use('/data', middleware),
  };
}

/**
 * The browser page (index.html -> src/page.ts). Workspace packages resolve to their
 * TypeScript sources through the `@fmnist/source` export condition, as in the tests.
 */
export default defineConfig({
  plugins: [localData()],
  resolve: { conditions: ['@fmnist/source', ...defaultClientConditions] },
  build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 4096 },
});
