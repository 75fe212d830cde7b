// The public API of @fmnist/brain, listed explicitly.

// chunks.ts
export type { BrainChunk, BrainChunkOptions } from './chunks.ts';
export { trainingChunks, trainingChunksAsync } from './chunks.ts';
// decode.ts
export type { BrainOutput, DecodedOutput, DecodeOutputOptions } from './decode.ts';
export {
  decodeClasses,
  decodeClassNames,
  decodeOutput,
  decodeScores,
  outputToClassIndex,
  outputToClassName,
} from './decode.ts';
// gpu.ts
export { gpuMode, patchNeuralNetworkGPU } from './gpu.ts';
// predict.ts
export type { BrainRunnable, PredictOptions } from './predict.ts';
export { predictClasses } from './predict.ts';
// trainingSet.ts
export type {
  BrainClassHash,
  BrainClassNameSet,
  BrainDataOptions,
  BrainDatum,
  BrainInputOf,
  BrainLabels,
  BrainOneHotSet,
  BrainTrainingSet,
  BrainTrainingSetOf,
  BrainTrainingSetOptions,
  BrainVector,
} from './trainingSet.ts';
export { toBrainTrainingSet } from './trainingSet.ts';
// validate.ts
export type { AssertBrainTrainingSetOptions } from './validate.ts';
export { assertBrainTrainingSet } from './validate.ts';
// version.ts
export type { BrainInputFormat, BrainTarget, BrainVersionInfo } from './version.ts';
export { detectBrainVersion } from './version.ts';
