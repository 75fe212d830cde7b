import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const DATA_FILES = new Set([
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
]);

/**
 * Serves local copies of the datasets at `/data/fashion-mnist/` and `/data/mnist/` (from
 * `FMNIST_DATA_DIR` / `FMNIST_MNIST_DIR`) in `vite` dev and `vite preview`, so the page can train
 * offline: open `/?data=/data/fashion-mnist/`. Only the four official file names are served.
 */
function localData(): Plugin {
  const dirs: Record<string, string | undefined> = {
    'fashion-mnist': process.env.FMNIST_DATA_DIR,
    mnist: process.env.FMNIST_MNIST_DIR,
  };
  const handler = (
    req: { url?: string },
    res: import('node:http').ServerResponse,
    next: () => void,
  ) => {
    const [, dataset, name] = (req.url ?? '').split('?')[0].split('/');
    const dir = dirs[dataset];
    const file = dir && DATA_FILES.has(name) ? path.join(dir, name) : undefined;
    if (!file || !existsSync(file)) return next();
    res.setHeader('content-type', 'application/octet-stream');
    createReadStream(file).pipe(res);
  };
  return {
    name: 'fmnist-local-data',
    configureServer: (server) => void server.middlewares.use('/data', handler),
    configurePreviewServer: (server) => void server.middlewares.use('/data', handler),
  };
}

/**
 * The browser page (index.html -> src/browser.ts). Workspace packages resolve to their
 * TypeScript sources through the `@fmnist/source` export condition, as in the tests.
 */
export default defineConfig({
  plugins: [localData()],
  resolve: { conditions: ['@fmnist/source', ...defaultClientConditions] },
  build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 4096 },
});
