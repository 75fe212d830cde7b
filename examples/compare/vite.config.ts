import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

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

/** Where the dev server finds the four `.gz` files of each dataset. */
function dataDirs(): Record<string, string> {
  const shared = path.resolve(here, '../../../shared');
  return {
    'fashion-mnist': process.env.FMNIST_DATA_DIR || path.join(shared, 'fashion-mnist'),
    mnist: process.env.FMNIST_MNIST_DIR || path.join(shared, 'mnist'),
  };
}

/**
 * Serves `/data/<dataset>/<file>.gz` from the local data folders (env `FMNIST_DATA_DIR`,
 * `FMNIST_MNIST_DIR`, else `../shared/` beside the checkout), so the page works offline; the
 * page falls back to the public mirrors when they are not there.
 */
function localData(): Plugin {
  const serve = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const match = /^\/data\/(fashion-mnist|mnist)\/([\w.-]+\.gz)$/.exec(
      (req.url ?? '').split('?')[0],
    );
    const dir = match ? dataDirs()[match[1]] : undefined;
    const file = match && dir ? path.join(dir, match[2]) : undefined;
    if (!file || !existsSync(file)) return next();
    res.setHeader('content-type', 'application/octet-stream');
    res.setHeader('content-length', String(statSync(file).size));
    createReadStream(file).pipe(res);
  };
  return {
    name: 'fmnist-local-data',
    configureServer: (server) => void server.middlewares.use(serve),
    configurePreviewServer: (server) => void server.middlewares.use(serve),
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
