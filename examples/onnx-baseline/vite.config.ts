// Vite config of the ONNX baseline page: the committed models as public files, source conditions.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The browser page: `index.html` + `src/page.ts`. The committed models are the public folder,
 * so `dist/cnn.onnx` sits next to the page. Workspace packages resolve to their TypeScript
 * sources through the `@fmnist/source` condition.
 */
export default defineConfig({
  root: here,
  base: './',
  publicDir: path.join(here, 'models'),
  resolve: { conditions: ['@fmnist/source', 'module', 'browser', 'development|production'] },
  // onnxruntime-web locates its .wasm relative to its own module URL; pre-bundling would move it.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', outDir: path.join(here, 'dist'), emptyOutDir: true },
});
