// The public API of @fmnist/tfjs, listed explicitly. One section per source file.

// predict.ts
export type { PredictOptions, Predictor } from './predict.ts';
export { decodeClasses, decodeClassNames, predictClasses } from './predict.ts';
// tensors.ts
export type {
  ImagesTensor,
  LabelEncoding,
  LabelsTensor,
  SplitTensors,
  TensorOptions,
} from './tensors.ts';
export { toTensors } from './tensors.ts';
// tfDataset.ts
export type { TfBatch, TfDatasetOptions } from './tfDataset.ts';
export { toTfDataset } from './tfDataset.ts';

// wasmKernels.ts
export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './wasmKernels.ts';
