// The CLI's exit codes and how any error becomes one sentence and one of them.
import { isFmnistError } from '@fmnist/core/node';

/**
 * Exit codes of the `fmnist` command. They are part of the CLI's interface (scripts branch on
 * them), so they never change meaning; the README and `fmnist --help` list them.
 */
export const ExitCode = Object.freeze({
  /** Everything worked (and for `verify`: every file matched). */
  OK: 0,
  /** `verify` found a missing or mismatching file, or an unexpected failure happened. */
  FAILURE: 1,
  /** Bad arguments: unknown option or dataset, a value out of range. */
  USAGE: 2,
  /** A data file or directory is missing, corrupt or not an IDX file. */
  DATA: 3,
  /** A download failed on every mirror (network error, HTTP error, timeout, wrong checksum). */
  DOWNLOAD: 4,
  /** Interrupted by Ctrl-C (SIGINT), as shells report 128 + 2. */
  INTERRUPTED: 130,
} as const);

/** One of the values of {@link ExitCode}. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit-code table as printed at the end of `fmnist --help`. */
export const EXIT_CODES_HELP = `Exit codes:
  0    success (verify: every file matches)
  1    verify found a missing or mismatching file; any other failure
  2    bad arguments (unknown option, dataset or class, value out of range)
  3    a data file or directory is missing, corrupt or not IDX
  4    download failed on every mirror
  130  interrupted (Ctrl-C)`;

/**
 * An error the CLI reports as one sentence with a chosen exit code. Commands throw it for
 * situations that are not core errors (a missing directory, an unreadable output folder).
 */
export class CliError extends Error {
  /** The process exit code this error maps to. */
  readonly exitCode: ExitCodeValue;

  constructor(exitCode: ExitCodeValue, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** The exit code for any error thrown while a command ran. */
export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof CliError) return error.exitCode;
  if (isFmnistError(error)) {
    switch (error.code) {
      case 'INVALID_ARGUMENT':
      case 'UNKNOWN_DATASET':
        return ExitCode.USAGE;
      case 'NOT_FOUND':
      case 'CHECKSUM_MISMATCH':
      case 'INVALID_IDX':
      case 'INVALID_GZIP':
        return ExitCode.DATA;
      case 'DOWNLOAD_FAILED':
      case 'TIMEOUT':
        return ExitCode.DOWNLOAD;
      case 'ABORTED':
        return ExitCode.INTERRUPTED;
      default:
        return ExitCode.FAILURE;
    }
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return ExitCode.DATA;
  return ExitCode.FAILURE;
}

/**
 * The one-line message printed for an error: the error's own message (core messages are full
 * sentences) with anything after the first line dropped unless `verbose`, where the stack and
 * causes follow.
 */
export function formatError(error: unknown, verbose: boolean): string {
  if (verbose) {
    const parts: string[] = [];
    let current: unknown = error;
    for (let depth = 0; current !== undefined && depth < 5; depth++) {
      parts.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
      current = current instanceof Error ? (current as { cause?: unknown }).cause : undefined;
      if (current !== undefined) parts.push('Caused by:');
    }
    return parts.join('\n');
  }
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split('\n')[0].trim();
  return first.length > 0 ? first : 'An unexpected error occurred.';
}
