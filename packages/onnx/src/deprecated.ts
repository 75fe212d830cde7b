// Names that moved to @fmnist/onnx/export or were renamed, kept one release as @deprecated aliases.
import * as exporter from './export/index.ts';
import { predictOutput } from './predict.ts';

/** @deprecated use `predictOutput` (same arguments, same result). */
export const predict: typeof predictOutput = predictOutput;

/** @deprecated import `exportLayersModel` from `@fmnist/onnx/export`. */
export const exportLayersModel: typeof exporter.exportLayersModel = exporter.exportLayersModel;
/** @deprecated import `exportTfjsToOnnx` from `@fmnist/onnx/export`. */
export const exportTfjsToOnnx: typeof exporter.exportTfjsToOnnx = exporter.exportTfjsToOnnx;
/** @deprecated import `tfjsToOnnxModel` from `@fmnist/onnx/export`. */
export const tfjsToOnnxModel: typeof exporter.tfjsToOnnxModel = exporter.tfjsToOnnxModel;
/** @deprecated import `tfjsArtifactsFromFiles` from `@fmnist/onnx/export`. */
export const tfjsArtifactsFromFiles: typeof exporter.tfjsArtifactsFromFiles =
  exporter.tfjsArtifactsFromFiles;
/** @deprecated import `decodeOnnxModel` from `@fmnist/onnx/export`. */
export const decodeOnnxModel: typeof exporter.decodeOnnxModel = exporter.decodeOnnxModel;
/** @deprecated import `encodeOnnxModel` from `@fmnist/onnx/export`. */
export const encodeOnnxModel: typeof exporter.encodeOnnxModel = exporter.encodeOnnxModel;
/** @deprecated import `OnnxDataType` from `@fmnist/onnx/export`. */
export const OnnxDataType: typeof exporter.OnnxDataType = exporter.OnnxDataType;
/** @deprecated import `OnnxAttributeType` from `@fmnist/onnx/export`. */
export const OnnxAttributeType: typeof exporter.OnnxAttributeType = exporter.OnnxAttributeType;

/** @deprecated import `ExportOnnxOptions` from `@fmnist/onnx/export`. */
export type ExportOnnxOptions = exporter.ExportOnnxOptions;
/** @deprecated import `OnnxInputLayout` from `@fmnist/onnx/export`. */
export type OnnxInputLayout = exporter.OnnxInputLayout;
/** @deprecated import `SavableLayersModel` from `@fmnist/onnx/export`. */
export type SavableLayersModel = exporter.SavableLayersModel;
/** @deprecated import `TfjsModelArtifacts` from `@fmnist/onnx/export`. */
export type TfjsModelArtifacts = exporter.TfjsModelArtifacts;
/** @deprecated import `TfjsModelJson` from `@fmnist/onnx/export`. */
export type TfjsModelJson = exporter.TfjsModelJson;
/** @deprecated import `TfjsWeightSpec` from `@fmnist/onnx/export`. */
export type TfjsWeightSpec = exporter.TfjsWeightSpec;
/** @deprecated import `OnnxAttribute` from `@fmnist/onnx/export`. */
export type OnnxAttribute = exporter.OnnxAttribute;
/** @deprecated import `OnnxDim` from `@fmnist/onnx/export`. */
export type OnnxDim = exporter.OnnxDim;
/** @deprecated import `OnnxModel` from `@fmnist/onnx/export`. */
export type OnnxModel = exporter.OnnxModel;
/** @deprecated import `OnnxNode` from `@fmnist/onnx/export`. */
export type OnnxNode = exporter.OnnxNode;
/** @deprecated import `OnnxTensor` from `@fmnist/onnx/export`. */
export type OnnxTensor = exporter.OnnxTensor;
/** @deprecated import `OnnxValueInfo` from `@fmnist/onnx/export`. */
export type OnnxValueInfo = exporter.OnnxValueInfo;
