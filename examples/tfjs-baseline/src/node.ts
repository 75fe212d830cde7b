// biome-ignore-all assist/source/organizeImports: exports are grouped by source file, not sorted
// The exports of @fmnist-examples/tfjs-baseline/node: the Node backend chooser and the whole Node run.

// nodeBackend.ts
export { NODE_BACKENDS, selectNodeBackend } from './nodeBackend.ts';

// nodeRun.ts
export type { NodeBaselineHooks, NodeBaselineOptions, NodeBaselineRun } from './nodeRun.ts';
export { runNodeBaseline } from './nodeRun.ts';
