// biome-ignore-all assist/source/organizeImports: exports are grouped by source file, not sorted
// The exports of @fmnist-examples/brain-baseline/node: loading brain.js in Node.

// loadBrain.ts
export type { LoadedBrain } from './loadBrain.ts';
export { loadBrain, nodeHasGpu } from './loadBrain.ts';
