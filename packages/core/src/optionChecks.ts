// Option checks at the entry of loadDataset, downloadFile and batches: a wrong kind of value is a typed INVALID_ARGUMENT that names the option, never a RangeError deep inside or a silent reinterpretation (a string iterated as a list of one-letter mirrors).
import type { DownloadOptions } from './download.ts';
import { FmnistError } from './errors.ts';
import { checkMirrors, redactUrl } from './mirrorUrl.ts';

/** Words for a value in a message: JSON where it has one, else its type. */
function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return `a ${typeof value}`;
  }
}

/** The INVALID_ARGUMENT for option `name` of `where`: `details.option` and `details.value`. */
export function optionError(
  where: string,
  name: string,
  rule: string,
  value: unknown,
): FmnistError {
  return new FmnistError(
    'INVALID_ARGUMENT',
    `${where}: the ${name} option ${rule}, got ${show(value)}.`,
    { details: { option: name, value: typeof value === 'function' ? 'function' : value } },
  );
}

function checkInteger(where: string, name: string, value: unknown, min: number): void {
  if (value === undefined) return;
  if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= min)) {
    throw optionError(where, name, `must be an integer >= ${min}`, value);
  }
}

function checkNumber(where: string, name: string, value: unknown, min: number): void {
  if (value === undefined) return;
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= min)) {
    throw optionError(where, name, `must be a finite number >= ${min}`, value);
  }
}

function checkFunction(where: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw optionError(where, name, 'must be a function', value);
  }
}

function checkBoolean(where: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw optionError(where, name, 'must be true or false', value);
  }
}

/**
 * Checks the options {@link downloadFile} and {@link loadDataset} share: `mirrors` a list of
 * strings (a single string is refused, not read letter by letter; the rest is `checkMirrors`,
 * which also refuses credentials in a URL), `retries` an integer >= 0,
 * `timeoutMs` a finite number >= 1, `retryDelayMs` one >= 0, `signal` an AbortSignal,
 * `onProgress` and `fetch` functions, `allowInsecure` a boolean.
 *
 * @param where The function's name, for the message (`loadDataset`, `downloadFile`).
 * @throws FmnistError INVALID_ARGUMENT naming the option (`details.option`).
 */
export function checkDownloadOptions(options: DownloadOptions | undefined, where: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `${where}: options must be an object, got ${show(options)}.`,
    );
  }
  const { mirrors } = options as { mirrors?: unknown };
  if (typeof mirrors === 'string') {
    // Not echoed as given: a URL may carry credentials (mirrorUrl.ts redacts them).
    const shown = JSON.stringify(redactUrl(mirrors));
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `${where}: the mirrors option must be a list of base URLs, got the string ${shown}; for one mirror write [${shown}].`,
      { details: { option: 'mirrors' } },
    );
  }
  if (mirrors !== undefined) checkMirrors(mirrors);
  checkInteger(where, 'retries', options.retries, 0);
  checkNumber(where, 'timeoutMs', options.timeoutMs, 1);
  checkNumber(where, 'retryDelayMs', options.retryDelayMs, 0);
  const { signal } = options as { signal?: unknown };
  if (
    signal !== undefined &&
    !(
      typeof signal === 'object' &&
      signal !== null &&
      'aborted' in signal &&
      'addEventListener' in signal
    )
  ) {
    throw optionError(where, 'signal', 'must be an AbortSignal', signal);
  }
  checkFunction(where, 'onProgress', options.onProgress);
  checkFunction(where, 'fetch', options.fetch);
  checkBoolean(where, 'allowInsecure', options.allowInsecure);
}

/** The options of `loadDataset` that {@link checkLoadOptions} looks at beyond the download ones. */
export interface LoadOptionsToCheck extends DownloadOptions {
  /** A local directory: a non-empty path. */
  dataDir?: unknown;
  /** A ByteCache or `false`. */
  cache?: unknown;
  /** A dataset id or a descriptor object. */
  dataset?: unknown;
}

/**
 * Checks `loadDataset`'s options: those of {@link checkDownloadOptions}, `dataDir` a non-empty
 * string (an empty one would silently mean the current directory), `cache` `false` or an object
 * with `get`, `set` and `remove`, `dataset` an id string or a descriptor object. A `dataDir`
 * that is a file is refused when it is read (the main entry has no file system to ask before).
 *
 * @throws FmnistError INVALID_ARGUMENT naming the option (`details.option`).
 */
export function checkLoadOptions(options: LoadOptionsToCheck | undefined): void {
  const where = 'loadDataset';
  checkDownloadOptions(options, where);
  if (options === undefined) return;
  const { dataDir, cache, dataset } = options;
  if (dataDir !== undefined && (typeof dataDir !== 'string' || dataDir.trim() === '')) {
    throw optionError(
      where,
      'dataDir',
      'must be a non-empty directory path (leave it out to use the environment and the cache)',
      dataDir,
    );
  }
  if (
    cache !== undefined &&
    cache !== false &&
    !(
      typeof cache === 'object' &&
      cache !== null &&
      ['get', 'set', 'remove'].every(
        (m) => typeof (cache as Record<string, unknown>)[m] === 'function',
      )
    )
  ) {
    throw optionError(where, 'cache', 'must be false or a ByteCache (get, set, remove)', cache);
  }
  if (
    dataset !== undefined &&
    typeof dataset !== 'string' &&
    (typeof dataset !== 'object' || dataset === null)
  ) {
    throw optionError(where, 'dataset', 'must be a dataset id or a descriptor object', dataset);
  }
}

/** What {@link checkBatchOptions} needs to know about the split. */
export interface BatchOptionsToCheck {
  /** Samples per batch. */
  batchSize?: unknown;
  /** Reuse one set of buffers sized for `batchSize`. */
  reuseBuffers?: unknown;
  shuffle?: unknown;
  dropLast?: unknown;
  oneHot?: unknown;
  /** batchesAsync: milliseconds between yields to the event loop. */
  yieldEveryMs?: unknown;
}

/**
 * Checks the options of `batches` / `batchesAsync` against a split of `count` samples, once
 * `batchSize` is known to be a positive integer: with `reuseBuffers`, `batchSize` no larger
 * than the split (the shared buffers are sized for a full batch, so a batch size beyond the
 * split would allocate memory no batch uses, or fail with a RangeError for a huge one); the
 * boolean options booleans (a string `'false'` would otherwise count as true); `yieldEveryMs` a
 * finite number >= 0.
 *
 * @throws FmnistError INVALID_ARGUMENT naming the option (`details.option`).
 */
export function checkBatchOptions(options: BatchOptionsToCheck, count: number): void {
  const where = 'batches';
  for (const name of ['reuseBuffers', 'shuffle', 'dropLast', 'oneHot'] as const) {
    checkBoolean(where, name, options[name]);
  }
  checkNumber(where, 'yieldEveryMs', options.yieldEveryMs, 0);
  const { batchSize } = options;
  if (options.reuseBuffers === true && typeof batchSize === 'number' && batchSize > count) {
    throw optionError(
      where,
      'batchSize',
      `is larger than the split (${count} samples) while reuseBuffers is set, whose buffers are sized for a full batch; use batchSize ${count} or less`,
      batchSize,
    );
  }
}
