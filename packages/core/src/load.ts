// Loading one split: each file from the first source that has it (local directory, then cache,
// then mirrors), then decoded; both files at once, and the first failure stops the other.
import { fromCache } from './cacheSource.ts';
import { resolveDataDir } from './dataDir.ts';
import {
  checkDescriptor,
  type DatasetDescriptor,
  type DatasetFile,
  getDataset,
  type Split,
  splitFiles,
} from './datasets.ts';
import { decodeFound, inflateLimit } from './decodeFile.ts';
import type { DownloadOptions } from './download.ts';
import { FmnistError, isFmnistError } from './errors.ts';
import type { IdxArray } from './idxTypes.ts';
import { fromLocal } from './localSource.ts';
import { fromMirrors } from './mirrorSource.ts';
import { type ByteCache, browserPlatform, type Platform } from './platform.ts';
import { safeListener } from './progress.ts';
import type { FoundFile, SourceContext } from './source.ts';
import { toDatasetSplit } from './splitCheck.ts';
import type { DatasetSplit } from './splits.ts';

/** Options for {@link loadDataset}; the download options apply when a file has to be fetched. */
export interface LoadOptions extends DownloadOptions {
  /** Dataset id (see `listDatasets()`) or a descriptor object. Default `'fashion-mnist'`. */
  dataset?: string | DatasetDescriptor;
  /** Which split to load. Default `'train'`. */
  split?: Split;
  /**
   * A local directory that holds the dataset's files, either as published (`.gz`) or already
   * unpacked (the same name without `.gz`). When given, it must contain the split's files and
   * they must match the descriptor's checksums: a directory you point at is never silently
   * bypassed. Default: the platform's environment (see {@link loadDataset}).
   */
  dataDir?: string;
  /**
   * Where downloaded files are kept: a {@link ByteCache}, or `false` for none. Default the
   * platform's cache (none for {@link browserPlatform}, the user cache directory in Node).
   */
  cache?: ByteCache | false;
  /** Host services. Default {@link browserPlatform} here, `nodePlatform()` in `@fmnist/core/node`. */
  platform?: Platform;
}

/** The first source that has the file: the local directory, the cache, then the mirrors. */
async function obtain(file: DatasetFile, ctx: SourceContext): Promise<FoundFile> {
  return (
    (ctx.local && (await fromLocal(file, ctx))) ||
    (ctx.cache && (await fromCache(file, ctx))) ||
    (await fromMirrors(file, ctx))
  );
}

async function loadFile(
  file: DatasetFile,
  ctx: SourceContext,
  maxRawBytes: number | undefined,
): Promise<IdxArray> {
  const found = await obtain(file, ctx);
  if (ctx.signal.aborted) {
    throw new FmnistError('ABORTED', `Loading ${file.name} was aborted.`, {
      cause: ctx.signal.reason,
      details: { file: file.name },
    });
  }
  return decodeFound(file, found, ctx.platform, ctx.progress, maxRawBytes);
}

/**
 * Loads one split of a dataset: the images and labels files are fetched and decoded
 * concurrently, and the result's `images` and `labels` are views on the decoded IDX bodies (no
 * copy).
 *
 * Each file is taken from the first of:
 * 1. a local directory: `options.dataDir`, else the platform environment's `FMNIST_DATA_DIR`
 *    (Fashion-MNIST) or `FMNIST_<ID>_DIR` for other datasets, e.g. `FMNIST_MNIST_DIR`. The file may
 *    be the published `.gz` (checked against `sha256`) or unpacked (checked against `rawSha256`
 *    when the descriptor has it). Such a directory must hold the files (NOT_FOUND otherwise).
 *    Datasets other than Fashion-MNIST also look in `FMNIST_DATA_DIR`, but only use files there
 *    that match their own checksums;
 * 2. the cache (`options.cache`, else the platform's), after checking the sha256 again: an
 *    entry that fails is deleted and downloaded anew;
 * 3. the mirrors (see {@link downloadFile}); the verified bytes are then cached.
 *
 * @throws FmnistError UNKNOWN_DATASET, NOT_FOUND (a data directory lacks a file),
 *   CHECKSUM_MISMATCH (message names the file and both sha256s), DOWNLOAD_FAILED, TIMEOUT,
 *   ABORTED, CACHE_IO, INVALID_GZIP (also for a file that inflates past its descriptor's
 *   `rawBytes`, or, without it, past twice the size its `counts` imply: a gzip bomb is stopped
 *   even when its sha256 matches), INVALID_IDX (not uint8 images of the descriptor's
 *   `imageShape`, a label count that differs from the image count, or a label outside
 *   `classNames`), INVALID_ARGUMENT.
 */
export async function loadDataset(options: LoadOptions = {}): Promise<DatasetSplit> {
  const descriptor = getDataset(options.dataset);
  checkDescriptor(descriptor);
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test') {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `split must be 'train' or 'test', got ${JSON.stringify(split)}.`,
      {
        details: { split },
      },
    );
  }
  const platform = options.platform ?? browserPlatform();
  const outer = options.signal;
  if (outer?.aborted) {
    throw new FmnistError('ABORTED', `Loading ${descriptor.id} (${split}) was aborted.`, {
      cause: outer.reason,
    });
  }
  // One controller for both files: when one fails, the other stops downloading at once.
  const controller = new AbortController();
  const onAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });

  const ctx: SourceContext = {
    descriptor,
    platform,
    cache: options.cache === false ? undefined : (options.cache ?? platform.cache),
    local: resolveDataDir(descriptor, {
      dataDir: options.dataDir,
      env: platform.env?.bind(platform),
    }),
    download: options,
    signal: controller.signal,
    progress: safeListener(options.onProgress),
  };

  const files = splitFiles(descriptor, split);
  let images: IdxArray;
  let labels: IdxArray;
  let first: { error: unknown } | undefined;
  try {
    // Both files are waited for even after one failed (the failure aborts the other, so this is
    // quick): when loadDataset settles, none of its downloads or cache writes is still running,
    // so a caller may clean up or retry at once without racing a write it no longer sees.
    const settled = await Promise.allSettled(
      files.map((file, i) =>
        loadFile(file, ctx, inflateLimit(descriptor, split, i === 0 ? 'images' : 'labels')).catch(
          (error: unknown) => {
            first ??= { error };
            if (!controller.signal.aborted) controller.abort(error);
            throw error;
          },
        ),
      ),
    );
    if (first) throw first.error;
    [images, labels] = settled.map((r) => (r as PromiseFulfilledResult<IdxArray>).value);
  } catch (error) {
    // The sibling's ABORTED is a consequence, not the cause: report the first real failure.
    // A user abort is reported as ABORTED.
    if (outer?.aborted && !isFmnistError(error, 'ABORTED')) {
      throw new FmnistError('ABORTED', `Loading ${descriptor.id} (${split}) was aborted.`, {
        cause: outer.reason,
      });
    }
    throw error;
  } finally {
    outer?.removeEventListener('abort', onAbort);
  }

  return toDatasetSplit(descriptor, split, files, images, labels);
}

/** {@link loadDataset} for Fashion-MNIST: `loadFashionMnist({ split: 'test' })`. */
export function loadFashionMnist(
  options: Omit<LoadOptions, 'dataset'> = {},
): Promise<DatasetSplit> {
  return loadDataset({ ...options, dataset: 'fashion-mnist' });
}
