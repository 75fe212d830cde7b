// The public API of @fmnist/onnx, listed explicitly.

// exportTfjs.ts: tfjs Layers model -> ONNX
export type {
  ExportOnnxOptions,
  OnnxInputLayout,
  SavableLayersModel,
  TfjsModelArtifacts,
  TfjsModelJson,
  TfjsWeightSpec,
} from './exportTfjs.ts';
export {
  exportLayersModel,
  exportTfjsToOnnx,
  tfjsArtifactsFromFiles,
  tfjsToOnnxModel,
} from './exportTfjs.ts';

// modelIo.ts: reading a model's inputs and decoding its outputs
export type {
  DecodedOutput,
  DecodeOutputOptions,
  ModelValueInfo,
  OrtSessionLike,
  OutputLike,
  PredictOptions,
} from './modelIo.ts';
export {
  classNamesOf,
  decodeOutput,
  describeInputs,
  describeOutputs,
  isProbabilityRows,
  layoutFromDims,
  modelInput,
  predict,
  softmax,
} from './modelIo.ts';

// onnxModel.ts: ONNX protobuf encode/decode
export type {
  OnnxAttribute,
  OnnxDim,
  OnnxModel,
  OnnxNode,
  OnnxTensor,
  OnnxValueInfo,
} from './onnxModel.ts';
export { decodeOnnxModel, encodeOnnxModel, OnnxAttributeType, OnnxDataType } from './onnxModel.ts';
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
