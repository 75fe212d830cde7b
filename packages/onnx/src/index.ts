// The public API of @fmnist/onnx, listed explicitly. One section per source file.

// decode.ts: decoding a classifier's output
export type { DecodedOutput, DecodeOutputOptions, OutputLike } from './decode.ts';
export {
  classNamesOf,
  decodeClasses,
  decodeClassNames,
  decodeOutput,
  isProbabilityRows,
  softmax,
} from './decode.ts';
// deprecated.ts: the exporter's names (now in @fmnist/onnx/export) and `predict`, for one release
export type {
  ExportOnnxOptions,
  OnnxAttribute,
  OnnxDim,
  OnnxInputLayout,
  OnnxModel,
  OnnxNode,
  OnnxTensor,
  OnnxValueInfo,
  SavableLayersModel,
  TfjsModelArtifacts,
  TfjsModelJson,
  TfjsWeightSpec,
} from './deprecated.ts';
export {
  decodeOnnxModel,
  encodeOnnxModel,
  exportLayersModel,
  exportTfjsToOnnx,
  OnnxAttributeType,
  OnnxDataType,
  predict,
  tfjsArtifactsFromFiles,
  tfjsToOnnxModel,
} from './deprecated.ts';
// predict.ts: running a session and decoding its output
export type { PredictOptions } from './predict.ts';
export { predictClasses, predictOutput } from './predict.ts';
// session.ts: a session's declared inputs and outputs
export type { ModelValueInfo, OrtSessionLike, OrtValueMetadata } from './session.ts';
export { describeInputs, describeOutputs, layoutFromDims, modelInput } from './session.ts';
// tensors.ts: dataset splits as onnxruntime tensors and batches
export type {
  LabelType,
  OrtBatch,
  OrtBatchOptions,
  OrtLabelOptions,
  OrtTensorClass,
  OrtTensorOptions,
} from './tensors.ts';
export {
  isDetached,
  labelArray,
  ortBatches,
  ortBatchesAsync,
  toOrtLabels,
  toOrtTensor,
} from './tensors.ts';
