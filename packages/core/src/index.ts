// biome-ignore-all assist/source/organizeImports: exports are grouped by source file, not sorted
// The public API of @fmnist/core, listed explicitly. One section per source file.

// errors.ts
export type { FmnistErrorCode, FmnistErrorOptions } from './errors.ts';
export { FmnistError, isFmnistError } from './errors.ts';

// datasets.ts
export type { DatasetDescriptor, DatasetFile, DatasetFiles, Split } from './datasets.ts';
export {
  fashionMnist,
  getDataset,
  listDatasets,
  mnist,
  registerDataset,
  splitFiles,
} from './datasets.ts';

// idx.ts + gzip.ts (codec)
export type { IdxArray, IdxData, IdxType, IdxTypeInfo, ParseIdxOptions } from './idx.ts';
export {
  DEFAULT_MAX_RANK,
  IDX_TYPES,
  idxTypeCode,
  idxTypeFromCode,
  parseIdx,
  serializeIdx,
} from './idx.ts';
export type { DecodeIdxOptions, Gunzip, GunzipOptions } from './gzip.ts';
export { DEFAULT_MAX_OUTPUT_BYTES, decodeIdx, gunzip, isGzip } from './gzip.ts';

// platform.ts + download.ts + load.ts (loading)
export type { BrowserPlatformOptions, ByteCache, Platform } from './platform.ts';
export { browserPlatform, memoryCache, webSha256 } from './platform.ts';
export type {
  DownloadAttempt,
  DownloadFileOptions,
  DownloadOptions,
  DownloadProgress,
  LoadPhase,
} from './download.ts';
export { downloadFile, verifyFile } from './download.ts';
export type { LoadOptions } from './load.ts';
export { DATA_DIR_ENV, datasetDirEnv, loadDataset, loadFashionMnist } from './load.ts';

// transforms.ts + random.ts + splits.ts + batches.ts + metrics.ts (transforms)
export type { Float32Options, Layout, Normalize } from './transforms.ts';
export { layoutShape, oneHot, toFloat32 } from './transforms.ts';
export { mulberry32, shuffledIndices } from './random.ts';
export type {
  DatasetSplit,
  ShardOptions,
  SubsetOptions,
  TrainValidationOptions,
} from './splits.ts';
export {
  assertDatasetSplit,
  filterClasses,
  shard,
  shuffleSplit,
  subset,
  trainValidationSplit,
} from './splits.ts';
export type { Batch, BatchOptions } from './batches.ts';
export { batchCount, batches, batchesAsync } from './batches.ts';
export type { BaselineResult, Evaluation } from './metrics.ts';
export {
  BASELINE_RESULT_FIELDS,
  argmax,
  evaluate,
} from './metrics.ts';
