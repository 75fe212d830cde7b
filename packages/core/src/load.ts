// Loading splits: each file from the first source that has it (local directory, then cache, then
// mirrors), then decoded; all files at once, and the first failure stops the others.
import { fromCache, withCacheLock } from './cacheSource.ts';
import { resolveDataDir } from './dataDir.ts';
import {
  checkDescriptor,
  type DatasetDescriptor,
  type DatasetFile,
  getDataset,
  type Split,
  splitFiles,
} from './datasets.ts';
import { startDeadline } from './deadline.ts';
import { decodeFound, inflateLimit } from './decodeFile.ts';
import type { DownloadOptions } from './download.ts';
import { FmnistError, isFmnistError } from './errors.ts';
import type { IdxArray } from './idxTypes.ts';
import { explainLoadFailure, type LookedAt } from './loadFailure.ts';
import { fromLocal } from './localSource.ts';
import { fromMirrors } from './mirrorSource.ts';
import { checkMirrors } from './mirrorUrl.ts';
import { checkLoadOptions } from './optionChecks.ts';
import { type ByteCache, browserPlatform, type Platform } from './platform.ts';
import { type ProgressListener, safeListener } from './progress.ts';
import type { FoundFile, SourceContext } from './source.ts';
import { toDatasetSplit } from './splitCheck.ts';
import {
  applySplitSpec,
  parseSplitSpec,
  resolveSplitSpec,
  type SplitSpec,
  splitsOfSpec,
} from './splitSpec.ts';
import type { DatasetSplit } from './splits.ts';

/**
 * Which samples to load: `'train'` or `'test'`, or a split string with TensorFlow Datasets
 * semantics such as `'train[:80%]'`, `'test[:1000]'` or `'train+test'` (see `parseSplitSpec`).
 */
export type SplitSelector = Split | (string & {});

/** Options for {@link loadDataset}; the download options apply when a file has to be fetched. */
export interface LoadOptions extends DownloadOptions {
  /**
   * Dataset id (see `listDatasets()`), a name as users type it (`'fashion_mnist'`,
   * `'Fashion-MNIST'`), or a descriptor object. Default `'fashion-mnist'`.
   */
  dataset?: string | DatasetDescriptor;
  /**
   * Which samples: `'train'` (default) or `'test'`, or a split string with TensorFlow Datasets
   * semantics: `'train[:80%]'`, `'train[80%:]'`, `'test[:1000]'`, `'train[-10%:]'`,
   * `'train+test'` (grammar and the rounding of percentages: `parseSplitSpec`,
   * `resolveSplitSpec`). A bad string is INVALID_ARGUMENT before any file is read, and only the
   * splits it reads are loaded. For several at once pass a list (see {@link LoadSplitsOptions}).
   */
  split?: SplitSelector;
  /**
   * A local directory that holds the dataset's files, either as published (`.gz`) or already
   * unpacked (the same name without `.gz`). When given, it must contain the split's files and
   * they must match the descriptor's checksums: a directory you point at is never silently
   * bypassed. Default: the platform's environment (see {@link loadDataset}).
   */
  dataDir?: string;
  /**
   * Where downloaded files are kept: a {@link ByteCache}, or `false` for none. Default the
   * platform's cache (`browserCache()` for {@link browserPlatform} in a browser, the user cache
   * directory in Node).
   */
  cache?: ByteCache | false;
  /** Host services. Default {@link browserPlatform} here, `nodePlatform()` in `@fmnist/core/node`. */
  platform?: Platform;
}

/** Options for loading several splits in one call: {@link LoadOptions} with a list as `split`. */
export interface LoadSplitsOptions<S extends string = string> extends Omit<LoadOptions, 'split'> {
  /**
   * The splits or split strings to load, e.g. `['train', 'test']` (Keras's `load_data()`) or
   * `['train[:90%]', 'train[90%:]']`. Each file is read once and all of them concurrently; the
   * result has one entry per string.
   */
  split: readonly S[];
}

/** What a list of splits loads to: one {@link DatasetSplit} per string, e.g. `{ train, test }`. */
export type LoadedSplits<S extends string> = { [K in S]: DatasetSplit };

/** The first source that has the file: the local directory, the cache, then the mirrors. */
async function obtain(file: DatasetFile, ctx: SourceContext): Promise<FoundFile> {
  // What the local directory and the cache showed, told by their verify events, for the
  // message when the mirrors fail too.
  const looked: LookedAt = { skippedLocal: [], cacheDamaged: false };
  const watch = (note: (url: string) => void): SourceContext => ({
    ...ctx,
    progress: (p) => {
      if (p.phase === 'verify' && p.loaded === 0) note(p.url);
      ctx.progress(p);
    },
  });
  const local =
    ctx.local &&
    (await fromLocal(
      file,
      watch((url) => looked.skippedLocal.push(url)),
    ));
  if (local) return local;
  const cached =
    ctx.cache &&
    (await fromCache(
      file,
      watch(() => {
        looked.cacheDamaged = true;
      }),
    ));
  if (cached) return cached;
  try {
    return await withCacheLock(file, ctx, () => fromMirrors(file, ctx));
  } catch (error) {
    if (isFmnistError(error, 'DOWNLOAD_FAILED') && !ctx.signal.aborted) {
      throw explainLoadFailure(error, file, ctx, looked);
    }
    throw error;
  }
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

/** The split strings of a call, parsed (undefined for a plain `'train'`/`'test'`), before any I/O. */
function parseSelectors(
  descriptor: DatasetDescriptor,
  selectors: readonly unknown[],
): (SplitSpec | undefined)[] {
  return selectors.map((selector) => {
    if (selector === 'train' || selector === 'test') return undefined;
    const spec = parseSplitSpec(selector as string);
    const { train, test } = descriptor.counts ?? {};
    // Boundaries beyond the descriptor's counts fail now, not after a download.
    if (Number.isInteger(train) && Number.isInteger(test)) resolveSplitSpec(spec, { train, test });
    return spec;
  });
}

/**
 * Loads one split of a dataset, a part of it (a split string), or several splits at once: the
 * images and labels files are fetched and decoded concurrently, and a plain `'train'` or
 * `'test'` comes back as views on the decoded IDX bodies (no copy).
 *
 * ```ts
 * const train = await loadDataset({ split: 'train' });
 * const { train, test } = await loadDataset({ split: ['train', 'test'] });
 * const head = await loadDataset({ split: 'train[:10%]' });
 * ```
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
 * A file that no source delivers is DOWNLOAD_FAILED naming every source looked in (the data
 * directory and its variable, files skipped there, the cache, each mirror with its last error)
 * and how to use files at hand. The whole call is capped by `deadlineMs` (TIMEOUT).
 *
 * @throws FmnistError UNKNOWN_DATASET, NOT_FOUND (a data directory lacks a file),
 *   CHECKSUM_MISMATCH (message names the file and both sha256s), DOWNLOAD_FAILED, TIMEOUT,
 *   ABORTED, CACHE_IO, INVALID_GZIP (also for a file that inflates past its descriptor's
 *   `rawBytes`, or, without it, past twice the size its `counts` imply: a gzip bomb is stopped
 *   even when its sha256 matches), INVALID_IDX (not uint8 images of the descriptor's
 *   `imageShape`, a label count that differs from the image count, or a label outside
 *   `classNames`), INVALID_ARGUMENT (also for a bad split string, or a mirror with credentials).
 */
export function loadDataset<const S extends string>(
  options: LoadSplitsOptions<S>,
): Promise<LoadedSplits<S>>;
export function loadDataset(options?: LoadOptions): Promise<DatasetSplit>;
export async function loadDataset(
  options: LoadOptions | LoadSplitsOptions = {},
): Promise<DatasetSplit | LoadedSplits<string>> {
  checkLoadOptions(options);
  const descriptor = getDataset(options.dataset);
  checkDescriptor(descriptor);
  const requested: unknown = options.split ?? 'train';
  const many = Array.isArray(requested);
  const selectors: readonly unknown[] = many ? requested : [requested];
  if (many && selectors.length === 0) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      'split: pass at least one split, e.g. ["train", "test"].',
    );
  }
  const specs = parseSelectors(descriptor, selectors);
  checkMirrors(options.mirrors ?? descriptor.mirrors ?? []);
  const needed = [
    ...new Set(specs.flatMap((spec, i) => (spec ? splitsOfSpec(spec) : [selectors[i] as Split]))),
  ];
  const loaded = await loadSplits(descriptor, needed, options);
  const pick = (i: number): DatasetSplit => {
    const spec = specs[i];
    return spec ? applySplitSpec(spec, loaded) : loaded[selectors[i] as Split]!;
  };
  if (!many) return pick(0);
  return Object.fromEntries(selectors.map((s, i) => [s as string, pick(i)]));
}

/** Loads whole splits, every file concurrently under one signal and one deadline. */
async function loadSplits(
  descriptor: DatasetDescriptor,
  splits: readonly Split[],
  options: Omit<LoadOptions, 'split'>,
): Promise<Partial<Record<Split, DatasetSplit>>> {
  const what = `Loading ${descriptor.id} (${splits.join(', ')})`;
  const platform = options.platform ?? browserPlatform();
  const outer = options.signal;
  if (outer?.aborted) {
    throw new FmnistError('ABORTED', `${what} was aborted.`, { cause: outer.reason });
  }
  // One signal for every file: when one fails, the others stop downloading at once.
  const deadline = startDeadline(outer, options.deadlineMs, what);
  const progress: ProgressListener = safeListener(options.onProgress);
  const ctx: SourceContext = {
    descriptor,
    platform,
    cache: options.cache === false ? undefined : (options.cache ?? platform.cache),
    local: resolveDataDir(descriptor, {
      dataDir: options.dataDir,
      env: platform.env?.bind(platform),
    }),
    download: options,
    signal: deadline.signal,
    progress,
  };

  const jobs = splits.flatMap((split) => {
    const files = splitFiles(descriptor, split);
    return files.map((file, i) => ({ split, file, files, kind: i === 0 ? 'images' : 'labels' }));
  });
  let first: { error: unknown } | undefined;
  let arrays: IdxArray[];
  try {
    // Every file is waited for even after one failed (the failure aborts the others, so this is
    // quick): when loadDataset settles, none of its downloads or cache writes is still running,
    // so a caller may clean up or retry at once without racing a write it no longer sees.
    const settled = await Promise.allSettled(
      jobs.map((job) =>
        loadFile(
          job.file,
          ctx,
          inflateLimit(descriptor, job.split, job.kind as 'images' | 'labels'),
        ).catch((error: unknown) => {
          first ??= { error };
          if (!deadline.signal.aborted) deadline.abort(error);
          throw error;
        }),
      ),
    );
    if (first) throw first.error;
    arrays = settled.map((r) => (r as PromiseFulfilledResult<IdxArray>).value);
  } catch (error) {
    // The siblings' ABORTED is a consequence, not the cause: report the first real failure.
    // A user abort is reported as ABORTED, a passed deadline as TIMEOUT.
    if (outer?.aborted && !isFmnistError(error, 'ABORTED')) {
      throw new FmnistError('ABORTED', `${what} was aborted.`, { cause: outer.reason });
    }
    const timeout = !outer?.aborted && deadline.expired();
    if (timeout)
      throw new FmnistError('TIMEOUT', timeout.message, { cause: error, details: timeout.details });
    throw error;
  } finally {
    deadline.clear();
  }

  const result: Partial<Record<Split, DatasetSplit>> = {};
  splits.forEach((split, i) => {
    const files = jobs[2 * i].files;
    result[split] = toDatasetSplit(descriptor, split, files, arrays[2 * i], arrays[2 * i + 1]);
  });
  return result;
}

/** {@link loadDataset} for Fashion-MNIST: `loadFashionMnist({ split: 'test' })`. */
export function loadFashionMnist<const S extends string>(
  options: Omit<LoadSplitsOptions<S>, 'dataset'>,
): Promise<LoadedSplits<S>>;
export function loadFashionMnist(options?: Omit<LoadOptions, 'dataset'>): Promise<DatasetSplit>;
export function loadFashionMnist(
  options: Omit<LoadOptions, 'dataset'> | Omit<LoadSplitsOptions, 'dataset'> = {},
): Promise<DatasetSplit | LoadedSplits<string>> {
  return loadDataset({ ...options, dataset: 'fashion-mnist' } as LoadOptions);
}
