/**
 * Every failure that fmnist reports on purpose has one of these codes, so callers can branch on
 * `error.code` instead of parsing messages.
 */
export type FmnistErrorCode =
  /** The bytes are not a well-formed IDX file (magic, type, rank, dims or body length). */
  | 'INVALID_IDX'
  /** The bytes looked like gzip but could not be inflated, or inflated past a safety limit. */
  | 'INVALID_GZIP'
  /** A file's sha256 differs from the one its dataset descriptor promises. */
  | 'CHECKSUM_MISMATCH'
  /** Every mirror and retry failed to deliver a file. */
  | 'DOWNLOAD_FAILED'
  /** A request or read took longer than its timeout. */
  | 'TIMEOUT'
  /** A file, directory or dataset that was asked for does not exist. */
  | 'NOT_FOUND'
  /** The cache directory could not be read or written. */
  | 'CACHE_IO'
  /** The caller aborted through an `AbortSignal`. */
  | 'ABORTED'
  /** An option or argument is out of range or of the wrong kind. */
  | 'INVALID_ARGUMENT'
  /** No dataset is registered under the requested id. */
  | 'UNKNOWN_DATASET';

/** Options for {@link FmnistError}. */
export interface FmnistErrorOptions {
  /** The lower-level error that caused this one, kept for debugging. */
  cause?: unknown;
  /** Machine-readable facts about the failure (file name, expected and actual checksum, URL...). */
  details?: Record<string, unknown>;
}

/**
 * The one error class that fmnist throws on purpose. Its `message` is a full sentence that names
 * the problem; `code` is stable and meant for programs.
 */
export class FmnistError extends Error {
  /** Stable, machine-readable reason. */
  readonly code: FmnistErrorCode;
  /** Facts about the failure, such as `{ file, expected, actual }` for a checksum mismatch. */
  readonly details: Record<string, unknown>;

  constructor(code: FmnistErrorCode, message: string, options: FmnistErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FmnistError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

/**
 * True when `error` is an {@link FmnistError}, optionally with the given code. Works across
 * duplicated copies of the package (bundles, realms) by checking the name and code, not only the
 * prototype chain.
 */
export function isFmnistError(error: unknown, code?: FmnistErrorCode): error is FmnistError {
  if (error instanceof FmnistError) return code === undefined || error.code === code;
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown };
  if (candidate.name !== 'FmnistError' || typeof candidate.code !== 'string') return false;
  return code === undefined || candidate.code === code;
}
