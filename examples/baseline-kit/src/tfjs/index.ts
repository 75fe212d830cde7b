// biome-ignore-all assist/source/organizeImports: exports are grouped by source file, not sorted
// The exports of @fmnist-examples/baseline-kit/tfjs (needs @tensorflow/tfjs; Node and browser).

// zoo.ts
export type { ZooEntry, ZooModelName } from './zoo.ts';
export { buildModel, MODEL_ZOO } from './zoo.ts';

// modelFiles.ts
export type { ModelFiles } from './modelFiles.ts';
export { deserializeModel, serializeModel, WEIGHTS_FILE } from './modelFiles.ts';

// exportForOnnx.ts
export type { ExportForOnnxOptions, OnnxExport } from './exportForOnnx.ts';
export { exportForOnnx } from './exportForOnnx.ts';
