// `@fmnist/core/node`: everything the main entry exports, with loading defaulting to the Node
// platform (zlib, node:crypto, local directories, the user cache directory, process.env).
import type { DatasetFile } from './datasets.ts';
import { downloadFile as coreDownloadFile, type DownloadFileOptions } from './download.ts';
import { fsCache } from './fsCache.ts';
import { loadDataset as coreLoadDataset, type LoadOptions } from './load.ts';
import { nodePlatform } from './nodePlatform.ts';
import type { DatasetSplit } from './splits.ts';

// Everything from the main entry, listed explicitly and sorted by source file (keep in step with
// index.ts; test/load.test.ts checks). loadDataset, loadFashionMnist and downloadFile are
// replaced below by Node-defaulted versions; fsCache and the nodePlatform.ts exports are Node-only.

export type { Batch, BatchOptions } from './batches.ts';
export { batchCount, batches, batchesAsync } from './batches.ts';

export type { DatasetDescriptor, DatasetFile, DatasetFiles, Split } from './datasets.ts';
export {
  fashionMnist,
  getDataset,
  listDatasets,
  mnist,
  registerDataset,
  splitFiles,
} from './datasets.ts';
export type {
  DownloadAttempt,
  DownloadFileOptions,
  DownloadOptions,
  DownloadProgress,
  LoadPhase,
} from './download.ts';
export { verifyFile } from './download.ts';
export type { FmnistErrorCode, FmnistErrorOptions } from './errors.ts';
export { FmnistError, isFmnistError } from './errors.ts';
export { fsCache } from './fsCache.ts';
export type { DecodeIdxOptions, Gunzip, GunzipOptions } from './gzip.ts';
export { DEFAULT_MAX_OUTPUT_BYTES, decodeIdx, gunzip, isGzip } from './gzip.ts';
export type { IdxArray, IdxData, IdxType, IdxTypeInfo, ParseIdxOptions } from './idx.ts';
export {
  DEFAULT_MAX_RANK,
  IDX_TYPES,
  idxTypeCode,
  idxTypeFromCode,
  parseIdx,
  serializeIdx,
} from './idx.ts';
export type { LoadOptions } from './load.ts';
export { DATA_DIR_ENV, datasetDirEnv } from './load.ts';
export type { BaselineResult, Evaluation } from './metrics.ts';
export { argmax, BASELINE_RESULT_FIELDS, evaluate } from './metrics.ts';
export type { NodePlatformOptions } from './nodePlatform.ts';
export { defaultCacheDir, nodeGunzip, nodePlatform, nodeSha256 } from './nodePlatform.ts';
export type { BrowserPlatformOptions, ByteCache, Platform } from './platform.ts';
export { browserPlatform, memoryCache, webSha256 } from './platform.ts';
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
export type { Float32Options, Layout, Normalize } from './transforms.ts';
export { layoutShape, oneHot, toFloat32 } from './transforms.ts';

/** {@link LoadOptions} plus the Node-only cache directory. */
export interface NodeLoadOptions extends LoadOptions {
  /**
   * Directory of the download cache when `cache` is not given. Default `FMNIST_CACHE_DIR`, else
   * the user cache directory (see {@link defaultCacheDir}).
   */
  cacheDir?: string;
}

/**
 * `loadDataset` of the main entry, defaulting to {@link nodePlatform}: local directories from
 * `dataDir` or the environment (`FMNIST_DATA_DIR` for Fashion-MNIST; `FMNIST_MNIST_DIR` for
 * MNIST and `FMNIST_<ID>_DIR` for other datasets, which fall back to files in `FMNIST_DATA_DIR`
 * only when those match their checksums), a cache in `cacheDir` / `FMNIST_CACHE_DIR` / the user
 * cache directory, zlib and node:crypto.
 */
export function loadDataset(options: NodeLoadOptions = {}): Promise<DatasetSplit> {
  const { cacheDir, ...rest } = options;
  return coreLoadDataset({
    ...rest,
    platform:
      rest.platform ?? nodePlatform({ cacheDir: rest.cache === undefined ? cacheDir : false }),
    cache: rest.cache ?? (cacheDir !== undefined ? fsCache(cacheDir) : undefined),
  });
}

/** {@link loadDataset} (Node) for Fashion-MNIST. */
export function loadFashionMnist(
  options: Omit<NodeLoadOptions, 'dataset'> = {},
): Promise<DatasetSplit> {
  return loadDataset({ ...options, dataset: 'fashion-mnist' });
}

/** `downloadFile` of the main entry, defaulting to {@link nodePlatform} (without its cache). */
export function downloadFile(
  file: DatasetFile,
  options: DownloadFileOptions = {},
): Promise<Uint8Array> {
  return coreDownloadFile(file, {
    ...options,
    platform: options.platform ?? nodePlatform({ cacheDir: false }),
  });
}
