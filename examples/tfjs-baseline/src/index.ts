// biome-ignore-all assist/source/organizeImports: exports are grouped by source file, not sorted
// The exports of @fmnist-examples/tfjs-baseline (platform-neutral): the baseline's entry function.

// train.ts
export type { TfjsBaselineOptions, TfjsBaselineRun, TfjsModelKind } from './train.ts';
export { runTfjsBaseline, TFJS_MODELS } from './train.ts';

// backendChoice.ts
export type { BackendCandidate, BackendChoice } from './backendChoice.ts';
