// biome-ignore-all assist/source/organizeImports: exports are grouped by source file, not sorted
// The exports of @fmnist-examples/baseline-kit (framework-free, Node and browser), one section per file.

// result.ts
export type { BaselineResult } from './result.ts';
export { BASELINE_RESULT_FIELDS } from './result.ts';

// options.ts
export type { BaselineOptions, InferenceBaselineOptions } from './options.ts';

// progress.ts
export type { BaselinePhase, BaselineProgress } from './progress.ts';
export { formatProgress } from './progress.ts';

// abort.ts
export { throwIfAborted } from './abort.ts';

// splits.ts
export { prefixOf } from './splits.ts';

// plan.ts
export type { BaselineMode, TrainingBaselineId, TrainingPlan } from './plan.ts';
export { PLAN, planFor, QUICK_TRAIN_SAMPLES, resolveTraining } from './plan.ts';

// json.ts
export { formatJson, formatResult } from './json.ts';

// metadata.ts
export type { ModelMetadata, ParityRecord, TrainingRecord } from './metadata.ts';
export { trainingRecord } from './metadata.ts';

// digest.ts
export { sha256Hex } from './digest.ts';

// round.ts
export { roundTo } from './round.ts';
