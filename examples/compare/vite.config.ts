// Vite config of the comparison page: source conditions, runtime aliases, local data files.
import { createReadStream, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

type CoreNode = typeof import('@fmnist/core/node');
type Location = ReturnType<CoreNode['locateDatasetFiles']>;

/**
 * Core's Node entry, imported when the first data request arrives. Not a top-level import: vite
 * bundles this config resolving packages without the `@fmnist/source` condition, so a static
 * import would need core's `dist/` (absent on a clean clone); `vite build` never reaches this,
 * and `pnpm dev` / `pnpm preview` run vite with the source condition and tsx.
 */
const loadCore = (): Promise<CoreNode> => {
  const specifier = '@fmnist/core/node';
  return import(/* @vite-ignore */ specifier);
};

/**
 * onnxruntime-web resolves to its ESM bundle, the file its `exports` give bundlers (the package's
 * `browser` field names a UMD build that would not emit the .wasm); brain.js to its folder, whose
 * `browser` field is right (the build with gpu.js's WebGL backend).
 */
const onnxWeb = realpathSync(path.join(here, 'node_modules/onnxruntime-web'));
const brainJs = realpathSync(path.join(here, 'node_modules/brain.js'));
const aliases = [
  { find: /^onnxruntime-web$/, replacement: path.join(onnxWeb, 'dist/ort.bundle.min.mjs') },
  { find: /^brain\.js(\/.*)?$/, replacement: `${brainJs}$1` },
];

/**
 * Serves `/data/<dataset>/<file>.gz` with the file `loadDataset` in Node would read (core's
 * `locateDatasetFiles`: `FMNIST_DATA_DIR` / `FMNIST_MNIST_DIR`, then the cache), so the page
 * works offline; the page falls back to the public mirrors when there is none.
 */
function localData(): Plugin {
  // One lookup per dataset (it may hash a fallback folder's files); looked up again while missing.
  const located = new Map<string, Location>();
  const serve = async (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const match = /^\/data\/(fashion-mnist|mnist)\/([\w.-]+\.gz)$/.exec(
      (req.url ?? '').split('?')[0],
    );
    if (!match) return next();
    const [, dataset, name] = match;
    if (!located.has(dataset)) {
      const { locateDatasetFiles } = await loadCore();
      located.set(dataset, locateDatasetFiles({ dataset }));
    }
    const found = (await located.get(dataset)!).files.find((f) => f.file.name === name);
    // Only the published `.gz` bytes: an unpacked copy would not match the page's checksums.
    if (!found?.path?.endsWith('.gz')) {
      located.delete(dataset);
      return next();
    }
    res.setHeader('content-type', 'application/octet-stream');
    res.setHeader('content-length', String(statSync(found.path).size));
    createReadStream(found.path).pipe(res);
  };
  const middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) =>
    void serve(req, res, next).catch(next);
  return {
    name: 'fmnist-local-data',
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
  };
}

/**
 * The comparison page (index.html -> src/browser.ts): `pnpm dev` serves it, `pnpm build:web`
 * bundles it. Workspace packages resolve to their TypeScript sources.
 */
export default defineConfig({
  root: here,
  base: './',
  plugins: [localData()],
  resolve: {
    conditions: ['@fmnist/source', ...defaultClientConditions],
    alias: aliases,
  },
  // onnxruntime-web finds its .wasm next to its own module: pre-bundling would move it.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 8192,
    // gpu.js (brain.js's GPU networks) compiles kernels from Function.toString(): keep it readable.
    minify: false,
  },
});
