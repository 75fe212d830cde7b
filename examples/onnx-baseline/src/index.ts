// biome-ignore-all assist/source/organizeImports: exports are grouped by source file, not sorted
// The exports of @fmnist-examples/onnx-baseline (platform-neutral): the baseline's entry function.

// run.ts
export type {
  OnnxBaselineOptions,
  OnnxBaselineResult,
  OrtModule,
  ThroughputRecord,
} from './run.ts';
export { BATCH_SIZES, runOnnxBaseline } from './run.ts';
