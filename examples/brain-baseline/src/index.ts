// biome-ignore-all assist/source/organizeImports: exports are grouped by source file, not sorted
// The exports of @fmnist-examples/brain-baseline (platform-neutral): the baseline's entry function.

// train.ts
export type {
  BrainActivation,
  BrainBaselineOptions,
  BrainBaselineResult,
  BrainModule,
} from './train.ts';
export { runBrainBaseline } from './train.ts';
