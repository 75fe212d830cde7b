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

// bytes.ts (joining byte chunks)
export { concatBytes } from './bytes.ts';

// idxTypes.ts + idx.ts + gzip.ts (codec)
export type { IdxArray, IdxData, IdxType, IdxTypeInfo } from './idxTypes.ts';
export { IDX_TYPES, idxTypeCode, idxTypeFromCode } from './idxTypes.ts';
export type { DecodeIdxOptions, ParseIdxOptions } from './idx.ts';
export { DEFAULT_MAX_RANK, decodeIdx, parseIdx, serializeIdx } from './idx.ts';
export type { Gunzip, GunzipOptions } from './gzip.ts';
export { DEFAULT_MAX_OUTPUT_BYTES, gunzip, isGzip } from './gzip.ts';

// datasetNames.ts (names as users type them)
export type { SuggestDatasetNameOptions } from './datasetNames.ts';
export {
  datasetNameKey,
  normalizeDatasetName,
  suggestDatasetName,
  unknownDatasetError,
} from './datasetNames.ts';

// platform.ts (host services, memory cache)
export type {
  BrowserPlatformOptions,
  ByteCache,
  CacheLease,
  CacheLockRequest,
  Platform,
} from './platform.ts';
export { browserPlatform, cacheKey, memoryCache, webSha256 } from './platform.ts';

// progress.ts
export type {
  DownloadProgress,
  LoadPhase,
  LoadProgress,
  ProgressListener,
} from './progress.ts';
export { DEFAULT_WAITING_INTERVAL_MS } from './progress.ts';

// deadline.ts (the total-time cap of a load or download)
export { DEFAULT_DEADLINE_MS } from './deadline.ts';

// dataDir.ts (which local directory applies)
export type { DataDirChoice, EnvSource, ResolveDataDirOptions } from './dataDir.ts';
export { DATA_DIR_ENV, datasetDirEnv, localFileNames, resolveDataDir } from './dataDir.ts';

// verify.ts
export type {
  ExpectedChecksum,
  VerifiedForm,
  VerifiedProgress,
  VerifyPlatform,
} from './verify.ts';
export { expectedChecksum, verifyFile } from './verify.ts';

// download.ts (mirrors; one attempt in fetchAttempt.ts, retries in retryer.ts)
export type { DownloadAttempt, DownloadFileOptions, DownloadOptions } from './download.ts';
export { downloadFile } from './download.ts';
// mirrorUrl.ts
export { hasCredentials, mirrorFileUrl, redactUrl } from './mirrorUrl.ts';
// loadFailure.ts (the DOWNLOAD_FAILED of a load: every source looked in)
export type { LookedSource } from './loadFailure.ts';

// load.ts (orders the sources: localSource.ts, cacheSource.ts, mirrorSource.ts)
export type { LoadedSplits, LoadOptions, LoadSplitsOptions, SplitSelector } from './load.ts';
export { loadDataset, loadFashionMnist } from './load.ts';

// transforms.ts + random.ts + splits.ts + batches.ts + metrics.ts (transforms)
export type { Float32Options, Layout, Normalize } from './transforms.ts';
export { layoutShape, oneHot, toFloat32 } from './transforms.ts';
export type { AugmentImagesOptions, AugmentOptions } from './augment.ts';
export { augmentImages } from './augment.ts';
export { mulberry32, shuffledIndices } from './random.ts';
export type {
  DatasetSplit,
  ShardOptions,
  SubsetOptions,
  TrainValidationOptions,
} from './splits.ts';
export {
  assertDatasetSplit,
  concatSplits,
  filterClasses,
  shard,
  shuffleSplit,
  subset,
  trainValidationSplit,
} from './splits.ts';
// splitSpec.ts (split strings, tfds semantics)
export type { SplitRange, SplitSlice, SplitSpec } from './splitSpec.ts';
export {
  SPLIT_SPEC_GRAMMAR,
  applySplitRanges,
  applySplitSpec,
  parseSplitSpec,
  resolveSplitSpec,
  splitsOfSpec,
} from './splitSpec.ts';
// distributedShard.ts (DistributedSampler semantics for shard)
export type { DistributedShardOptions } from './distributedShard.ts';
export { distributedShardIndices, distributedShardSize } from './distributedShard.ts';
export type { Batch, BatchOptions } from './batches.ts';
export { batchCount, batches, batchesAsync } from './batches.ts';
export type { DecodedScoreRows, Evaluation } from './metrics.ts';
export { argmax, decodeScoreRows, evaluate, nameClasses } from './metrics.ts';

// The browser: pageMirrors.ts (relative and mixed-content mirrors), browserCache.ts (persistent
// cache), workerLoad.ts (loading in a Web Worker; worker side: loadWorker.ts, the ./worker entry),
// imageData.ts (images on screen)
export { mixedContentSkip, pageBase, resolveMirror } from './pageMirrors.ts';
export type {
  BrowserCache,
  BrowserCacheOptions,
  BrowserCacheSize,
  BrowserCacheStorage,
} from './browserCache.ts';
export { browserCache, defaultBrowserCache } from './browserCache.ts';
export type { TransferReport, WorkerLoadOptions } from './workerLoad.ts';
export { loadInWorker } from './workerLoad.ts';
export type {
  DrawGridOptions,
  GridLayout,
  ImageDataOptions,
} from './imageData.ts';
export { drawGrid, toImageData } from './imageData.ts';
