// biome-ignore-all assist/source/organizeImports: exports are grouped by source file, not sorted
// The exports of @fmnist-examples/onnx-baseline/node: the Node runtime chooser and model files.

// nodeRuntime.ts
export type { NodeExecutionProvider, NodeRuntime } from './nodeRuntime.ts';
export { loadNodeRuntime } from './nodeRuntime.ts';

// modelFile.ts
export type { OnnxModelFile } from './modelFile.ts';
export { metadataPathFor, readOnnxModel } from './modelFile.ts';
