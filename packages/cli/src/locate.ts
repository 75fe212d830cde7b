// Where a command's dataset files are (core's locateDatasetFiles) and what to say when one is not.
import path from 'node:path';
import {
  cacheKey,
  type DatasetFile,
  fsCachePath,
  type LocatedDatasetFile,
  locateDatasetFiles,
  type Split,
} from '@fmnist/core/node';
import type { DataTarget } from './target.ts';

/** A file core's lookup found: in the data directory or in the download cache. */
export type FoundFile = LocatedDatasetFile & { origin: 'data-dir' | 'cache'; path: string };

/** Whether core's lookup found the file. */
export function isFound(file: LocatedDatasetFile): file is FoundFile {
  return file.origin !== 'missing' && file.path !== undefined;
}

/**
 * Finds a split's two files (images first), or all four (train before test), the way
 * `loadDataset` would: the data directory (the `.gz` or its unpacked copy; for the
 * `$FMNIST_DATA_DIR` fallback of another dataset only files with that dataset's checksums), then
 * the download cache. Nothing is downloaded.
 */
export async function locateFiles(
  target: DataTarget,
  split?: Split,
): Promise<LocatedDatasetFile[]> {
  const { files } = await locateDatasetFiles({ ...target.lookup, ...(split ? { split } : {}) });
  return files;
}

/** The file in the download cache that holds `file` of the target's dataset, present or not. */
export function cachePath(target: DataTarget, file: DatasetFile): string {
  return fsCachePath(target.cacheDir, cacheKey(target.descriptor.id, file.name));
}

/** Folder in the cache where `fmnist download` keeps a dataset's files (`<cacheDir>/<id>`). */
export function cacheFolder(target: DataTarget): string {
  return path.dirname(cachePath(target, target.descriptor.files.trainImages));
}

/** A sentence saying where a missing file was looked for and how to get it. */
export function missingMessage(target: DataTarget, file: DatasetFile): string {
  const cache = `the cache ${cacheFolder(target)}`;
  const where = !target.dataDir
    ? `is not in ${cache}`
    : target.dataDirExplicit
      ? `is neither in ${target.dataDir} (${target.dataDirSource}) nor in ${cache}`
      : `is not in ${cache} (the files in ${target.dataDir} from ${target.dataDirSource} are not ${target.descriptor.title}'s)`;
  const flag = target.descriptor.id === 'fashion-mnist' ? '' : ` --dataset ${target.descriptor.id}`;
  return `${file.name} of ${target.descriptor.title} ${where}; run \`fmnist download${flag}\` or pass --data-dir.`;
}
