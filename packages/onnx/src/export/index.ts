// The public API of @fmnist/onnx/export: tfjs Layers model -> ONNX, and ONNX protobuf encode/decode.

// artifacts.ts: tfjs save artifacts and model.json files
export type {
  SavableLayersModel,
  TfjsModelArtifacts,
  TfjsModelJson,
  TfjsWeightSpec,
} from './artifacts.ts';
export { tfjsArtifactsFromFiles } from './artifacts.ts';
// exportTfjs.ts: the export itself
export { exportLayersModel, exportTfjsToOnnx, tfjsToOnnxModel } from './exportTfjs.ts';
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
// options.ts: export options
export type { ExportOnnxOptions, OnnxInputLayout } from './options.ts';
