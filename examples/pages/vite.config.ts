// Vite config of the pages example: nothing special; the data is whatever public/data/ holds.
import { defaultClientConditions, defineConfig } from 'vite';

/**
 * Put the four Fashion-MNIST .gz files in public/data/ (see the README): Vite serves them as
 * they are, in `vite` and `vite preview` alike. Outside this workspace, drop `resolve`.
 */
export default defineConfig({
  // Workspace packages resolve to their TypeScript sources, as in the tests.
  resolve: { conditions: ['@fmnist/source', ...defaultClientConditions] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
