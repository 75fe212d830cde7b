// The CLI's exit codes and how any error becomes one sentence and one of them.
import { isFmnistError } from '@fmnist/core/node';

/**
 * Exit codes of the `fmnist` command. They are part of the CLI's interface (scripts branch on
 * them), so they never change meaning; {@link EXIT_CODE_TABLE} words them once for
 * `fmnist --help`, and the README's table is checked against it by the tests.
 */
export const ExitCode = Object.freeze({
  /** Everything worked (and for `verify`: every file matched). */
  OK: 0,
  /** `verify` found a missing or mismatching file, or another failure (a write that failed). */
  FAILURE: 1,
  /**
   * Bad arguments: unknown option or dataset, a value out of range; also an output that exists
   * without `--force`, or that is one of the files being read. Nothing was written.
   */
  USAGE: 2,
  /** A data file or directory is missing, corrupt or not an IDX file. */
  DATA: 3,
  /** A download failed on every mirror (network error, HTTP error, timeout, wrong checksum). */
  DOWNLOAD: 4,
  /** Interrupted by Ctrl-C (SIGINT), as shells report 128 + 2. */
  INTERRUPTED: 130,
  /** The reader of stdout went away (EPIPE, e.g. `| head -1`), as shells report 128 + SIGPIPE. */
  BROKEN_PIPE: 141,
  /** Terminated by SIGTERM (`kill`, a service manager), as shells report 128 + 15. */
  TERMINATED: 143,
} as const);

/** One of the values of {@link ExitCode}. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Every exit code with its meaning in one line: the one table help and README show. */
export const EXIT_CODE_TABLE: readonly { code: ExitCodeValue; meaning: string }[] = [
  { code: ExitCode.OK, meaning: 'success (verify: every file matches)' },
  {
    code: ExitCode.FAILURE,
    meaning: 'verify found a missing or mismatching file; any other failure (a failed write)',
  },
  {
    code: ExitCode.USAGE,
    meaning:
      'bad arguments (unknown option, dataset or class, value out of range); an output exists (pass --force) or is an input',
  },
  { code: ExitCode.DATA, meaning: 'a data file or directory is missing, corrupt or not IDX' },
  { code: ExitCode.DOWNLOAD, meaning: 'download failed on every mirror' },
  { code: ExitCode.INTERRUPTED, meaning: 'interrupted (Ctrl-C, SIGINT)' },
  { code: ExitCode.BROKEN_PIPE, meaning: 'stdout was closed by its reader (EPIPE)' },
  { code: ExitCode.TERMINATED, meaning: 'terminated (SIGTERM)' },
];

/** The exit-code table as printed at the end of `fmnist --help`. */
export const EXIT_CODES_HELP = `Exit codes:\n${EXIT_CODE_TABLE.map(
  ({ code, meaning }) => `  ${String(code).padEnd(4)} ${meaning}`,
).join('\n')}`;

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

/**
 * The exit code of a command stopped through `signal`: 143 when the binary aborted it for
 * SIGTERM (its reason is then a {@link CliError} with that code), else 130.
 */
export function interruptCode(signal: AbortSignal): ExitCodeValue {
  const reason: unknown = signal.reason;
  return reason instanceof CliError && reason.exitCode === ExitCode.TERMINATED
    ? ExitCode.TERMINATED
    : ExitCode.INTERRUPTED;
}

/** Throws `WHAT interrupted.` with {@link interruptCode}'s code once `signal` has fired. */
export function throwIfInterrupted(signal: AbortSignal, what: string): void {
  if (signal.aborted) throw new CliError(interruptCode(signal), `${what} interrupted.`);
}

/**
 * Core's words for its options, and the CLI's for the same thing: core messages name program
 * options (`timeoutMs`, "pass cache: false"), which a person at a terminal cannot pass.
 */
const CLI_WORDS: readonly [RegExp, string][] = [
  [
    /,? or pass (?:`)?cache: false(?:`)?/g,
    ', or pass --data-dir DIR to download into a folder instead',
  ],
  [/\(or the cache option\)/g, '(or --cache-dir)'],
  [/\b(?:options\.)?timeoutMs\b/g, '--timeout'],
  [/\b(?:options\.)?retryDelayMs\b/g, '--retry-delay'],
  [/\b(?:options\.)?dataDir\b/g, '--data-dir'],
  [/\b(?:options\.)?cacheDir\b/g, '--cache-dir'],
  [/^retries\b/, '--retries'],
  [/^mirrors\b/, '--mirror'],
];

/** A core message in the CLI's words: its option names become the flags that set them. */
export function inCliWords(message: string): string {
  let text = message;
  for (const [pattern, words] of CLI_WORDS) text = text.replace(pattern, words);
  return text;
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
      const text = current instanceof Error ? (current.stack ?? current.message) : String(current);
      parts.push(depth === 0 ? inCliWords(text) : text);
      current = current instanceof Error ? (current as { cause?: unknown }).cause : undefined;
      if (current !== undefined) parts.push('Caused by:');
    }
    return parts.join('\n');
  }
  const message = error instanceof Error ? error.message : String(error);
  const first = inCliWords(message.split('\n')[0].trim());
  return first.length > 0 ? first : 'An unexpected error occurred.';
}
