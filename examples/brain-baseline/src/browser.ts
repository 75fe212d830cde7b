// biome-ignore-all assist/source/organizeImports: exports are grouped by source file, not sorted
// The exports of @fmnist-examples/brain-baseline/browser: loading brain.js in a bundled page.

// browserBrain.ts
export type { BrowserBrain } from './browserBrain.ts';
export { loadBrowserBrain } from './browserBrain.ts';
