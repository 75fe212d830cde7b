// Finding a dataset's files on disk without loading them: which data directory applies, and per file whether it is there, in the cache, or missing.
import path from 'node:path';
import { type DataDirChoice, type EnvSource, localFileNames, resolveDataDir } from './dataDir.ts';
import { type DatasetDescriptor, type DatasetFile, getDataset, type Split } from './datasets.ts';
import { isFmnistError } from './errors.ts';
import { type FileKind, fileKind, notRegularFileError, readRegularFile } from './fileKind.ts';
import { fsCachePath } from './fsCache.ts';
import { defaultCacheDir, nodeGunzip, nodeSha256 } from './nodePlatform.ts';
import { cacheKey } from './platform.ts';
import { verifyFile } from './verify.ts';

/** Options for {@link locateDatasetFiles}. */
export interface LocateOptions {
  /** Dataset id or descriptor. Default `'fashion-mnist'`. */
  dataset?: string | DatasetDescriptor;
  /** Only this split's two files (images first). Default all four, train before test. */
  split?: Split;
  /** An explicit data directory; wins over the environment, as in `loadDataset`. */
  dataDir?: string;
  /**
   * The download cache root (files live in `<cacheDir>/<dataset id>/`), or `false` to skip the
   * cache. Default `FMNIST_CACHE_DIR` from `env`, else {@link defaultCacheDir}.
   */
  cacheDir?: string | false;
  /** The environment to read. Default `process.env`. */
  env?: EnvSource;
}

/** Whether a data directory exists on disk. */
export type DataDirStatus = 'directory' | 'missing' | 'not-a-directory';

/** The data directory that applies, resolved to an absolute path. */
export interface LocatedDataDir extends DataDirChoice {
  /** Whether `dir` is a directory, is absent, or is something else. */
  status: DataDirStatus;
}

/** Where one dataset file is. */
export interface LocatedDatasetFile {
  /** The descriptor entry. */
  file: DatasetFile;
  /**
   * `data-dir` (the published `.gz` or its unpacked copy in the data directory), `cache` (the
   * download cache), or `missing` (in neither: loading would download it, or fail for a strict
   * data directory).
   */
  origin: 'data-dir' | 'cache' | 'missing';
  /** Absolute path of the file found; undefined when missing. */
  path: string | undefined;
  /** Every path considered, in the order tried. */
  looked: string[];
  /**
   * Files of a non-strict data directory (`FMNIST_DATA_DIR` for another dataset) that exist but
   * do not match this dataset's checksums, or are not regular files, so they are not used.
   */
  rejected: string[];
}

/** What {@link locateDatasetFiles} found. */
export interface DatasetLocation {
  /** The dataset looked up. */
  dataset: DatasetDescriptor;
  /** The data directory that applies, when one does. */
  dataDir: LocatedDataDir | undefined;
  /** The cache root looked in (absolute), or undefined when the cache is skipped. */
  cacheDir: string | undefined;
  /** One entry per file, in the order asked for. */
  files: LocatedDatasetFile[];
}

/** What `file` is; a path that cannot even be stat'ed (EACCES) counts as missing here. */
async function kindOrMissing(file: string): Promise<FileKind> {
  return fileKind(file).catch(() => 'missing' as const);
}

/** True when the bytes at `file` pass the checks the loader applies to a local file. */
async function matches(file: DatasetFile, location: string): Promise<boolean> {
  const bytes = await readRegularFile(location);
  if (bytes === undefined) return false;
  try {
    await verifyFile(file, bytes, { sha256: nodeSha256, gunzip: nodeGunzip }, location);
    return true;
  } catch (error) {
    if (isFmnistError(error, 'CHECKSUM_MISMATCH')) return false;
    throw error;
  }
}

/**
 * Finds a dataset's files the way `loadDataset` of `@fmnist/core/node` would, without
 * downloading or decoding anything: the data directory from `dataDir` or the environment (see
 * `resolveDataDir`), then the download cache.
 *
 * Per file: in the data directory the published name, then the unpacked one; the first that
 * exists is taken as it is for a strict directory (loading verifies it), while for the
 * non-strict `FMNIST_DATA_DIR` fallback only a file that matches the dataset's checksums counts
 * (by content: `sha256` for gzip, `rawSha256` for unpacked). Then `<cacheDir>/<id>/<name>`
 * (taken when it exists; the loader re-verifies cache entries). Otherwise `missing`.
 *
 * Unlike `loadDataset`, the cache is looked in even after a strict data directory lacked the
 * file (loading would then fail with NOT_FOUND): `origin: 'cache'` says where a copy is, so a
 * caller can name both places or load from the cache folder instead.
 *
 * Only regular files count: a FIFO, socket, device, directory or symbolic link loop under a
 * file's name is never opened. In a strict data directory or the cache it is an error; for the
 * non-strict fallback it is listed in `rejected`.
 *
 * @throws FmnistError CACHE_IO naming the path and what it is ("is a FIFO", "is a symbolic link
 *   loop").
 *
 * @example
 * const { dataDir, files } = await locateDatasetFiles({ dataset: 'mnist', split: 'test' });
 * // dataDir: { dir: '/data/mnist', from: 'FMNIST_MNIST_DIR', strict: true, status: 'directory' }
 * for (const f of files) console.log(f.file.name, f.origin, f.path ?? f.looked.join(', '));
 */
export async function locateDatasetFiles(options: LocateOptions = {}): Promise<DatasetLocation> {
  const dataset = getDataset(options.dataset);
  const env = options.env ?? process.env;
  const choice = resolveDataDir(dataset, { dataDir: options.dataDir, env });
  let dataDir: LocatedDataDir | undefined;
  if (choice) {
    const dir = path.resolve(choice.dir);
    const kind = await kindOrMissing(dir);
    const status: DataDirStatus =
      kind === 'directory' ? 'directory' : kind === 'missing' ? 'missing' : 'not-a-directory';
    dataDir = { ...choice, dir, status };
  }
  let cacheDir: string | undefined;
  if (options.cacheDir !== false) {
    cacheDir =
      options.cacheDir !== undefined ? path.resolve(options.cacheDir) : defaultCacheDir(env);
  }
  const { files: all } = dataset;
  const wanted =
    options.split === 'train'
      ? [all.trainImages, all.trainLabels]
      : options.split === 'test'
        ? [all.testImages, all.testLabels]
        : [all.trainImages, all.trainLabels, all.testImages, all.testLabels];

  const files: LocatedDatasetFile[] = [];
  for (const file of wanted) {
    const looked: string[] = [];
    const rejected: string[] = [];
    let found: { origin: 'data-dir' | 'cache'; path: string } | undefined;
    if (dataDir) {
      for (const name of localFileNames(file)) {
        const candidate = path.join(dataDir.dir, name);
        looked.push(candidate);
        const kind = await kindOrMissing(candidate);
        if (kind === 'missing') continue;
        if (kind !== 'file') {
          // Never opened: reading a FIFO or a device would block. A directory you named must
          // not hide one; the FMNIST_DATA_DIR fallback of another dataset just passes it by.
          if (dataDir.strict) throw notRegularFileError(candidate, kind);
          rejected.push(candidate);
          continue;
        }
        if (!dataDir.strict && !(await matches(file, candidate))) {
          rejected.push(candidate);
          continue;
        }
        found = { origin: 'data-dir', path: candidate };
        break;
      }
    }
    if (!found && cacheDir !== undefined) {
      const candidate = fsCachePath(cacheDir, cacheKey(dataset.id, file.name));
      looked.push(candidate);
      const kind = await kindOrMissing(candidate);
      if (kind === 'file') found = { origin: 'cache', path: candidate };
      else if (kind !== 'missing') throw notRegularFileError(candidate, kind, 'cached file');
    }
    files.push({
      file,
      origin: found?.origin ?? 'missing',
      path: found?.path,
      looked,
      rejected,
    });
  }
  return { dataset, dataDir, cacheDir, files };
}
