// Vite config of the comparison page: source conditions and runtime aliases; the data is public/data/<dataset>/.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

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

/**
 * The comparison page (index.html -> src/browser.ts): `pnpm dev` serves it, `pnpm build:web`
 * bundles it. Workspace packages resolve to their TypeScript sources. The page reads the .gz
 * files from `./data/<dataset>/`: put them in `public/data/<dataset>/` (git ignores it), e.g.
 * `cp "$FMNIST_DATA_DIR"/*.gz public/data/fashion-mnist/` or `fmnist download --data-dir
 * public/data/fashion-mnist`; Vite serves them itself in dev and preview (gzip-encoded, which
 * core accepts), and `vite build` copies them into dist/.
 */
export default defineConfig({
  root: here,
  base: './',
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
