// Vite config of the brain.js baseline page (page/): source conditions, readable gpu.js kernels.
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

/**
 * Builds the browser page (page/index.html). Workspace packages resolve to their TypeScript
 * sources through the `@fmnist/source` condition, so no package build is needed; brain.js
 * resolves through its `browser` field to its UMD bundle (gpu.js browser build inside).
 */
export default defineConfig({
  root: fileURLToPath(new URL('./page', import.meta.url)),
  base: './',
  resolve: { conditions: ['@fmnist/source', ...defaultClientConditions] },
  build: {
    outDir: fileURLToPath(new URL('./dist/page', import.meta.url)),
    emptyOutDir: true,
    // gpu.js compiles kernels from Function.toString(): keep the code readable to it.
    minify: false,
  },
});
