// `@fmnist/core/node`: everything the main entry exports, with loading defaulting to the Node
// platform (zlib, node:crypto, local directories, the user cache directory, process.env).
// biome-ignore-all assist/source/organizeImports: exports are grouped by source file, not sorted
import type { DatasetFile } from './datasets.ts';
import { downloadFile as coreDownloadFile, type DownloadFileOptions } from './download.ts';
import { fsCache } from './fsCache.ts';
import {
  loadDataset as coreLoadDataset,
  type LoadedSplits,
  type LoadOptions,
  type LoadSplitsOptions,
} from './load.ts';
import { nodePlatform } from './nodePlatform.ts';
import type { DatasetSplit } from './splits.ts';

// Everything from the main entry. loadDataset, loadFashionMnist and downloadFile below are
// declared here, so they replace the main entry's (a local export wins over `export *`); the
// rest of this file is Node-only. test/entries.test.ts checks both.
export * from './index.ts';

// fsCache.ts
export type { FsCacheOptions } from './fsCache.ts';
export { fsCache, fsCachePath } from './fsCache.ts';

// cacheLock.ts + fileKind.ts (one download for many processes; regular files only)
export type { FileLockOptions } from './cacheLock.ts';
export type { FileKind } from './fileKind.ts';
export { fileKind, readRegularFile } from './fileKind.ts';

// locate.ts
export type {
  DataDirStatus,
  DatasetLocation,
  LocatedDataDir,
  LocatedDatasetFile,
  LocateOptions,
} from './locate.ts';
export { locateDatasetFiles } from './locate.ts';

// nodePlatform.ts
export type { NodePlatformOptions } from './nodePlatform.ts';
export {
  CACHE_DIR_ENV,
  defaultCacheDir,
  nodeGunzip,
  nodePlatform,
  nodeSha256,
} from './nodePlatform.ts';

// Node-defaulted loading
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
export function loadDataset<const S extends string>(
  options: LoadSplitsOptions<S> & Pick<NodeLoadOptions, 'cacheDir'>,
): Promise<LoadedSplits<S>>;
export function loadDataset(options?: NodeLoadOptions): Promise<DatasetSplit>;
export function loadDataset(
  options: NodeLoadOptions | (LoadSplitsOptions & Pick<NodeLoadOptions, 'cacheDir'>) = {},
): Promise<DatasetSplit | LoadedSplits<string>> {
  const { cacheDir, ...rest } = options as NodeLoadOptions;
  return coreLoadDataset({
    ...rest,
    platform:
      rest.platform ?? nodePlatform({ cacheDir: rest.cache === undefined ? cacheDir : false }),
    cache: rest.cache ?? (cacheDir !== undefined ? fsCache(cacheDir) : undefined),
  });
}

/**
 * {@link loadDataset} (Node) for Fashion-MNIST: `loadFashionMnist()` is the train split,
 * `loadFashionMnist({ split: ['train', 'test'] })` both (`{ train, test }`).
 */
export function loadFashionMnist<const S extends string>(
  options: Omit<LoadSplitsOptions<S>, 'dataset'> & Pick<NodeLoadOptions, 'cacheDir'>,
): Promise<LoadedSplits<S>>;
export function loadFashionMnist(options?: Omit<NodeLoadOptions, 'dataset'>): Promise<DatasetSplit>;
export function loadFashionMnist(
  options:
    | Omit<NodeLoadOptions, 'dataset'>
    | (Omit<LoadSplitsOptions, 'dataset'> & Pick<NodeLoadOptions, 'cacheDir'>) = {},
): Promise<DatasetSplit | LoadedSplits<string>> {
  return loadDataset({ ...options, dataset: 'fashion-mnist' } as NodeLoadOptions);
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
