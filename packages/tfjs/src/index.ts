// The public API of @fmnist/tfjs, listed explicitly. One section per source file.

// decode.ts
export type { DecodedOutput, DecodeOutputOptions } from './decode.ts';
export { decodeClasses, decodeClassNames, decodeOutput } from './decode.ts';
// deprecated.ts: the wasm kernels, now in @fmnist/tfjs/wasm-kernels, for one release
export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './deprecated.ts';
// predict.ts
export type { PredictOptions, Predictor } from './predict.ts';
export { predictClasses } from './predict.ts';
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
