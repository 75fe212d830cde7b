// biome-ignore-all assist/source/organizeImports: exports are grouped by source file, not sorted
// The exports of @fmnist-examples/tfjs-baseline/browser: the browser backend chooser (bundle with
// vite: it imports tfjs-backend-wasm's binaries with `?url`).

// browserBackend.ts
export type { BrowserBackendChoice } from './browserBackend.ts';
export { BROWSER_BACKENDS, browserBackends, selectBrowserBackend } from './browserBackend.ts';
