// Vite config of the tfjs baseline page: source conditions, cross-origin isolation (wasm threads); the data is public/data/<dataset>/, served by Vite itself.
import { defaultClientConditions, defineConfig } from 'vite';

/**
 * The browser page (index.html -> src/page.ts). Workspace packages resolve to their
 * TypeScript sources through the `@fmnist/source` export condition, as in the tests. To train
 * offline, put the four .gz files in `public/data/<dataset>/` (git ignores it), e.g.
 * `cp "$FMNIST_DATA_DIR"/*.gz public/data/fashion-mnist/`, and open `/?data=/data/fashion-mnist/`:
 * Vite serves them in `vite` and `vite preview` alike (gzip-encoded, which core accepts).
 */
/**
 * Cross-origin isolation (`crossOriginIsolated`): without it the page has no `SharedArrayBuffer`
 * and tfjs-backend-wasm runs its single-threaded build. `require-corp` blocks only cross-origin
 * loads that neither use CORS nor send `Cross-Origin-Resource-Policy`; the dataset mirrors are
 * fetched with CORS, so they still load.
 */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: isolation },
  preview: { headers: isolation },
  resolve: { conditions: ['@fmnist/source', ...defaultClientConditions] },
  build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 4096 },
});
