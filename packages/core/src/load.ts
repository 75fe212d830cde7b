// Loading one split: find each file (local directory, then cache, then mirrors), verify it,
// decode it, and hand out zero-copy views of the decoded IDX bodies.
import {
  type DatasetDescriptor,
  type DatasetFile,
  getDataset,
  type Split,
  splitFiles,
} from './datasets.ts';
import {
  type DownloadOptions,
  type DownloadProgress,
  downloadFile,
  verifyFile,
} from './download.ts';
import { FmnistError, isFmnistError } from './errors.ts';
import { DEFAULT_MAX_OUTPUT_BYTES, decodeIdx, isGzip } from './gzip.ts';
import type { IdxArray } from './idx.ts';
import { type ByteCache, browserPlatform, type Platform } from './platform.ts';
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

/** Environment variable naming the local directory of a dataset other than Fashion-MNIST. */
export function datasetDirEnv(datasetId: string): string {
  return `FMNIST_${datasetId.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_DIR`;
}

/** The environment variable for Fashion-MNIST's local directory (and the fallback for others). */
export const DATA_DIR_ENV = 'FMNIST_DATA_DIR';

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkDescriptor(descriptor: DatasetDescriptor): void {
  const bad = (what: string) =>
    new FmnistError('INVALID_ARGUMENT', `Dataset "${descriptor.id}": ${what}.`, {
      details: { dataset: descriptor.id },
    });
  if (typeof descriptor.id !== 'string' || !SAFE_NAME.test(descriptor.id)) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `The dataset id ${JSON.stringify(descriptor.id)} is unsafe as a cache folder name: use letters, digits, '.', '_' and '-' only.`,
    );
  }
  // Descriptors passed as objects skip registerDataset, so the names that become paths and URLs
  // are checked here too.
  for (const file of Object.values(descriptor.files ?? {}) as DatasetFile[]) {
    if (typeof file?.name !== 'string' || !SAFE_NAME.test(file.name)) {
      throw bad(
        `unsafe file name ${JSON.stringify(file?.name)}: use letters, digits, '.', '_' and '-' only`,
      );
    }
  }
  const [h, w] = descriptor.imageShape ?? [];
  if (!Number.isSafeInteger(h) || !Number.isSafeInteger(w) || h < 1 || w < 1) {
    throw bad(
      `imageShape must be two positive integers, got ${JSON.stringify(descriptor.imageShape)}`,
    );
  }
  if (!Array.isArray(descriptor.classNames) || descriptor.classNames.length < 1) {
    throw bad('classNames must list at least one class');
  }
}

interface LocalDir {
  dir: string;
  /** Strict: a missing or mismatching file is an error rather than a reason to download. */
  strict: boolean;
  /** Where the directory came from, for messages. */
  origin: string;
}

function localDir(
  descriptor: DatasetDescriptor,
  options: LoadOptions,
  platform: Platform,
): LocalDir | undefined {
  if (options.dataDir !== undefined) {
    return { dir: options.dataDir, strict: true, origin: 'the dataDir option' };
  }
  const env = platform.env;
  if (!env) return undefined;
  const own = descriptor.id === 'fashion-mnist' ? DATA_DIR_ENV : datasetDirEnv(descriptor.id);
  const ownDir = env(own);
  if (ownDir) return { dir: ownDir, strict: true, origin: own };
  // FMNIST_DATA_DIR usually holds Fashion-MNIST: another dataset uses it only for files that
  // match its own checksums, and downloads the rest.
  const shared = own === DATA_DIR_ENV ? undefined : env(DATA_DIR_ENV);
  if (shared) return { dir: shared, strict: false, origin: DATA_DIR_ENV };
  return undefined;
}

interface Found {
  bytes: Uint8Array;
  source: string;
  attempt: number;
}

interface FileContext {
  descriptor: DatasetDescriptor;
  platform: Platform;
  cache: ByteCache | undefined;
  local: LocalDir | undefined;
  options: LoadOptions;
  signal: AbortSignal;
  progress: (p: DownloadProgress) => void;
}

function unpackedName(name: string): string | undefined {
  return name.endsWith('.gz') && name.length > 3 ? name.slice(0, -3) : undefined;
}

async function fromLocal(file: DatasetFile, ctx: FileContext): Promise<Found | undefined> {
  const local = ctx.local!;
  const read = ctx.platform.readLocalFile;
  if (!read) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `A data directory (${local.dir}, from ${local.origin}) needs a platform that can read local files: ` +
        "import loadDataset from '@fmnist/core/node', or pass a platform with readLocalFile.",
      { details: { dir: local.dir } },
    );
  }
  const candidates = [file.name, unpackedName(file.name)].filter((n): n is string => !!n);
  for (const name of candidates) {
    const bytes = await read.call(ctx.platform, local.dir, name);
    if (bytes === undefined) continue;
    const source = joinPath(local.dir, name);
    // Decide by content, not by name: an unpacked file is checked against the unpacked sha256.
    const packed = isGzip(bytes);
    const expected = packed
      ? { sha256: file.sha256, bytes: file.bytes }
      : { sha256: file.rawSha256, bytes: file.rawBytes };
    ctx.progress({
      file: file.name,
      url: source,
      loaded: 0,
      total: bytes.length,
      attempt: 0,
      phase: 'verify',
    });
    try {
      await verifyFile(file, bytes, ctx.platform, source, expected);
    } catch (error) {
      if (!local.strict && isFmnistError(error, 'CHECKSUM_MISMATCH')) return undefined;
      if (isFmnistError(error, 'CHECKSUM_MISMATCH')) {
        throw new FmnistError(
          'CHECKSUM_MISMATCH',
          `${error.message} It was found in ${local.dir} (from ${local.origin}).`,
          { cause: error.cause, details: { ...error.details, dir: local.dir } },
        );
      }
      throw error;
    }
    ctx.progress({
      file: file.name,
      url: source,
      loaded: bytes.length,
      total: bytes.length,
      attempt: 0,
      phase: 'verify',
    });
    return { bytes, source, attempt: 0 };
  }
  if (!local.strict) return undefined;
  const alt = unpackedName(file.name);
  throw new FmnistError(
    'NOT_FOUND',
    `${local.dir} (from ${local.origin}) has no ${file.name}${alt ? ` or ${alt}` : ''}. ` +
      'A data directory you name is used as it is and must hold the files; to download into ' +
      'the cache instead, leave dataDir and the environment variable unset.',
    { details: { dir: local.dir, file: file.name, origin: local.origin } },
  );
}

function joinPath(dir: string, name: string): string {
  return /[\\/]$/.test(dir) ? dir + name : `${dir}/${name}`;
}

async function fromCache(
  file: DatasetFile,
  key: string,
  ctx: FileContext,
): Promise<Found | undefined> {
  const cache = ctx.cache!;
  const bytes = await cache.get(key);
  if (bytes === undefined) return undefined;
  const source = `cache:${key}`;
  ctx.progress({
    file: file.name,
    url: source,
    loaded: 0,
    total: bytes.length,
    attempt: 0,
    phase: 'verify',
  });
  try {
    await verifyFile(file, bytes, ctx.platform, source);
  } catch (error) {
    if (!isFmnistError(error, 'CHECKSUM_MISMATCH')) throw error;
    // A damaged or foreign cache entry is never used: drop it and fetch a good copy.
    await cache.remove(key);
    return undefined;
  }
  ctx.progress({
    file: file.name,
    url: source,
    loaded: bytes.length,
    total: bytes.length,
    attempt: 0,
    phase: 'verify',
  });
  return { bytes, source, attempt: 0 };
}

async function obtain(file: DatasetFile, ctx: FileContext): Promise<Found> {
  if (ctx.local) {
    const found = await fromLocal(file, ctx);
    if (found) return found;
  }
  const key = `${ctx.descriptor.id}/${file.name}`;
  if (ctx.cache) {
    const found = await fromCache(file, key, ctx);
    if (found) return found;
  }
  let lastUrl = '';
  let lastAttempt = 0;
  const bytes = await downloadFile(file, {
    ...ctx.options,
    mirrors: ctx.options.mirrors ?? ctx.descriptor.mirrors,
    allowInsecure: ctx.options.allowInsecure || ctx.descriptor.allowInsecureMirrors === true,
    platform: ctx.platform,
    signal: ctx.signal,
    onProgress: (p) => {
      lastUrl = p.url;
      lastAttempt = p.attempt;
      ctx.progress(p);
    },
  });
  // Only verified bytes reach the cache (downloadFile checked them).
  if (ctx.cache) await ctx.cache.set(key, bytes);
  return { bytes, source: lastUrl, attempt: lastAttempt };
}

/**
 * The most bytes a file of this split may inflate to when the descriptor has no `rawBytes`: twice
 * the IDX size its `counts` and `imageShape` imply, and at least 1 MiB, so a slightly wrong count
 * still loads while a gzip bomb (a few kB that inflate to gigabytes) is stopped after megabytes
 * instead of at the generic 1 GiB limit. Undefined when the descriptor's counts are unusable.
 */
function inflateLimit(
  descriptor: DatasetDescriptor,
  split: Split,
  kind: 'images' | 'labels',
): number | undefined {
  const count = descriptor.counts?.[split];
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) return undefined;
  const [height, width] = descriptor.imageShape;
  const idxBytes = kind === 'images' ? 16 + count * height * width : 8 + count;
  return Math.min(DEFAULT_MAX_OUTPUT_BYTES, Math.max(2 * idxBytes, 1024 * 1024));
}

async function loadFile(
  file: DatasetFile,
  ctx: FileContext,
  maxRawBytes: number | undefined,
): Promise<IdxArray> {
  const found = await obtain(file, ctx);
  if (ctx.signal.aborted) {
    throw new FmnistError('ABORTED', `Loading ${file.name} was aborted.`, {
      cause: ctx.signal.reason,
      details: { file: file.name },
    });
  }
  const packed = isGzip(found.bytes);
  const total = packed ? file.rawBytes : found.bytes.length;
  const event = { file: file.name, url: found.source, total, attempt: found.attempt };
  ctx.progress({ ...event, loaded: 0, phase: 'decode' });
  // The descriptor bounds what a file may inflate to: its exact rawBytes, else what its counts
  // imply. A file that passed its sha256 can still be hostile if the descriptor's author was
  // careless or malicious (a user-registered dataset).
  const limits = !packed
    ? {}
    : file.rawBytes
      ? { expectedBytes: file.rawBytes, maxOutputBytes: file.rawBytes }
      : maxRawBytes !== undefined
        ? { maxOutputBytes: maxRawBytes }
        : {};
  const idx = await decodeIdx(found.bytes, { gunzip: ctx.platform.gunzip, ...limits });
  // The IDX file's size: a 4-byte magic, 4 bytes per dimension, then the body.
  ctx.progress({
    ...event,
    loaded: 4 + 4 * idx.shape.length + idx.data.byteLength,
    phase: 'decode',
  });
  return idx;
}

function invalid(message: string, details: Record<string, unknown>): FmnistError {
  return new FmnistError('INVALID_IDX', message, { details });
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

  const onProgress = options.onProgress;
  const ctx: FileContext = {
    descriptor,
    platform,
    cache: options.cache === false ? undefined : (options.cache ?? platform.cache),
    local: localDir(descriptor, options, platform),
    options,
    signal: controller.signal,
    progress: (p) => {
      if (!onProgress) return;
      try {
        onProgress(p);
      } catch {
        // A broken progress bar must not break loading.
      }
    },
  };

  const [imagesFile, labelsFile] = splitFiles(descriptor, split);
  let images: IdxArray;
  let labels: IdxArray;
  let first: { error: unknown } | undefined;
  try {
    // Both files are waited for even after one failed (the failure aborts the other, so this is
    // quick): when loadDataset settles, none of its downloads or cache writes is still running,
    // so a caller may clean up or retry at once without racing a write it no longer sees.
    const settled = await Promise.allSettled(
      [imagesFile, labelsFile].map((file, i) =>
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

  const [height, width] = descriptor.imageShape;
  if (images.type !== 'uint8' || images.shape.length !== 3) {
    throw invalid(
      `${imagesFile.name} holds ${images.type} data of shape [${images.shape}], not uint8 images [count, ${height}, ${width}].`,
      { file: imagesFile.name, type: images.type, shape: images.shape },
    );
  }
  if (images.shape[1] !== height || images.shape[2] !== width) {
    throw invalid(
      `${imagesFile.name} holds ${images.shape[1]}x${images.shape[2]} images, but ${descriptor.id} images are ${height}x${width}.`,
      { file: imagesFile.name, shape: images.shape, imageShape: [height, width] },
    );
  }
  if (labels.type !== 'uint8' || labels.shape.length !== 1) {
    throw invalid(
      `${labelsFile.name} holds ${labels.type} data of shape [${labels.shape}], not uint8 labels [count].`,
      { file: labelsFile.name, type: labels.type, shape: labels.shape },
    );
  }
  const count = images.shape[0];
  if (labels.shape[0] !== count) {
    throw invalid(
      `${imagesFile.name} has ${count} images but ${labelsFile.name} has ${labels.shape[0]} labels.`,
      { images: count, labels: labels.shape[0] },
    );
  }
  const labelData = labels.data as Uint8Array;
  const classes = descriptor.classNames.length;
  for (let i = 0; i < labelData.length; i++) {
    if (labelData[i] >= classes) {
      throw invalid(
        `${labelsFile.name} has label ${labelData[i]} at index ${i}, but ${descriptor.id} has only ${classes} classes.`,
        { file: labelsFile.name, index: i, label: labelData[i], classes },
      );
    }
  }
  return {
    dataset: descriptor.id,
    split,
    images: images.data as Uint8Array,
    labels: labelData,
    count,
    imageShape: descriptor.imageShape,
    classNames: descriptor.classNames,
  };
}

/** {@link loadDataset} for Fashion-MNIST: `loadFashionMnist({ split: 'test' })`. */
export function loadFashionMnist(
  options: Omit<LoadOptions, 'dataset'> = {},
): Promise<DatasetSplit> {
  return loadDataset({ ...options, dataset: 'fashion-mnist' });
}
