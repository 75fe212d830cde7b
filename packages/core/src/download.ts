// Fetching one dataset file from an ordered list of mirrors. Mirrors go down, stall, cut
// connections and occasionally serve the wrong file, so every attempt is bounded by an idle
// timeout, retried with backoff, and nothing is returned before its sha256 has been checked.
import type { DatasetFile } from './datasets.ts';
import { FmnistError, isFmnistError } from './errors.ts';
import { browserPlatform, type Platform } from './platform.ts';

/** Which step of loading a progress event is about. */
export type LoadPhase = 'download' | 'verify' | 'decode';

/**
 * One progress report. During `download` it comes once when the response headers arrive and
 * then after every chunk; `loaded` only grows within one attempt and restarts at 0 when a new
 * attempt (retry or next mirror) starts, which `attempt` and `url` tell apart.
 */
export interface DownloadProgress {
  /** The file's name, e.g. `train-images-idx3-ubyte.gz`. */
  file: string;
  /**
   * Where the bytes come from: the URL being downloaded, the local file path, or `cache:` plus
   * the cache key.
   */
  url: string;
  /** Bytes received (download), hashed (verify) or produced (decode) so far. */
  loaded: number;
  /** Expected total bytes, when known (Content-Length, or the descriptor's size). */
  total: number | undefined;
  /** 1-based attempt number over all mirrors; 0 for local and cached files. */
  attempt: number;
  /**
   * The step being reported; always set by fmnist (optional only so that code written against
   * the older shape still type-checks). Files from a local directory or the cache report only
   * `verify` and `decode`.
   */
  phase?: LoadPhase;
}

/** Options for {@link downloadFile}, also accepted by {@link loadDataset}. */
export interface DownloadOptions {
  /**
   * Base URLs tried in order, each joined with the file name. For `loadDataset` the default is
   * the dataset's own mirrors; `downloadFile` needs them.
   */
  mirrors?: readonly string[];
  /** Extra attempts per mirror after the first one fails with a transient error. Default 2. */
  retries?: number;
  /**
   * Idle timeout per request in ms: an attempt fails with TIMEOUT when no header or body byte
   * arrives for this long (a slow but moving download is never cut). Default 30000.
   */
  timeoutMs?: number;
  /**
   * Base delay of the exponential backoff between retries, in ms: the n-th retry waits about
   * `retryDelayMs * 2 ** (n - 1)`, randomised to 50-100% so that many clients do not retry in
   * step, and capped at 30 s. Default 500. A 429 or 503 answer with a `Retry-After` header
   * waits at least that long instead; one asking for more than 30 s is not waited for, and the
   * next mirror is tried at once.
   */
  retryDelayMs?: number;
  /** Aborts the download (and any backoff wait) with an ABORTED error. */
  signal?: AbortSignal;
  /** Called with progress; see {@link DownloadProgress}. Exceptions it throws are ignored. */
  onProgress?: (progress: DownloadProgress) => void;
  /** A fetch to use instead of the platform's (proxies, custom agents). */
  fetch?: typeof globalThis.fetch;
  /**
   * Allow non-https mirrors for files without a sha256. Off by default: plain http without a
   * checksum gives no integrity at all. Files with a sha256 may always use http mirrors.
   */
  allowInsecure?: boolean;
}

/** What {@link downloadFile} needs beyond {@link DownloadOptions}. */
export interface DownloadFileOptions extends DownloadOptions {
  /** Host services; default {@link browserPlatform} (its fetch and Web Crypto). */
  platform?: Platform;
}

/** One failed attempt, as listed in `details.attempts` of the final error. */
export interface DownloadAttempt {
  /** The URL that was tried. */
  url: string;
  /** 1-based attempt number over all mirrors (0 for a mirror refused without a request). */
  attempt: number;
  /** FmnistError code of the failure (TIMEOUT, CHECKSUM_MISMATCH, DOWNLOAD_FAILED, ...). */
  code: string;
  /** HTTP status, when the server answered with an error status. */
  status?: number;
  /** Why the attempt failed, in words. */
  reason: string;
}

const DEFAULT_RETRIES = 2;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 30_000;
/**
 * The longest `Retry-After` worth waiting for. A server that asks for more is effectively down
 * for this run; sleeping minutes inside a data loader helps nobody, so the next mirror is tried.
 */
const MAX_RETRY_AFTER_MS = MAX_RETRY_DELAY_MS;

/** Statuses worth retrying on the same mirror; any other 4xx moves on to the next mirror. */
const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

function abortedError(file: string, signal: AbortSignal): FmnistError {
  return new FmnistError('ABORTED', `Downloading ${file} was aborted.`, {
    cause: signal.reason,
    details: { file },
  });
}

/** Resolves after `ms`, or rejects with ABORTED as soon as the signal fires. */
function sleep(ms: number, file: string, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(file, signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(file, signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function backoffMs(base: number, retry: number): number {
  const exponential = Math.min(MAX_RETRY_DELAY_MS, base * 2 ** (retry - 1));
  return exponential * (0.5 + Math.random() * 0.5);
}

/**
 * The wait a `Retry-After` header asks for, in ms: delay-seconds or an HTTP-date (RFC 9110
 * 10.2.3). Undefined when absent or unparsable; a date in the past is 0.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only the date forms, not anything Date.parse happens to accept ("1", "tomorrow").
  if (!/^[A-Za-z]{3},? /.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const causeText =
      cause instanceof Error
        ? `: ${(cause as { code?: string }).code ?? cause.name} ${cause.message}`
        : '';
    return `${error.message}${causeText}`;
  }
  return String(error);
}

function mirrorUrl(mirror: string, name: string): URL | undefined {
  try {
    return new URL(encodeURIComponent(name), mirror.endsWith('/') ? mirror : `${mirror}/`);
  } catch {
    return undefined;
  }
}

function safeProgress(options: DownloadOptions, progress: DownloadProgress): void {
  if (!options.onProgress) return;
  try {
    options.onProgress(progress);
  } catch {
    // A broken progress bar must not break the download.
  }
}

function checkNumber(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= min)) {
    throw new FmnistError('INVALID_ARGUMENT', `${name} must be a number >= ${min}, got ${value}.`, {
      details: { [name]: value },
    });
  }
}

interface AttemptContext {
  file: DatasetFile;
  url: string;
  attempt: number;
  timeoutMs: number;
  fetch: typeof globalThis.fetch;
  signal: AbortSignal | undefined;
  options: DownloadOptions;
  insecureOk: boolean;
}

/** Error of one attempt plus whether trying the same mirror again could help. */
class AttemptError extends Error {
  constructor(
    readonly error: FmnistError,
    readonly retryable: boolean,
    readonly status?: number,
    /** What the server's Retry-After header asked for, in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(error.message);
  }
}

/** undici's words for a redirect chain that never ends; retrying the same chain cannot help. */
function isRedirectLoop(error: unknown): boolean {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof Error && /redirect count exceeded/i.test(cause.message);
}

/** One request: headers, then the body chunk by chunk under an idle timer. */
async function fetchOnce(ctx: AttemptContext): Promise<Uint8Array> {
  const { file, url, attempt, timeoutMs } = ctx;
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
  };
  const onOuterAbort = () => controller.abort(ctx.signal?.reason);
  ctx.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (ctx.signal?.aborted) controller.abort(ctx.signal.reason);

  const failure = (error: unknown): AttemptError => {
    if (error instanceof AttemptError) return error;
    if (ctx.signal?.aborted) throw abortedError(file.name, ctx.signal);
    if (timedOut) {
      return new AttemptError(
        new FmnistError('TIMEOUT', `No data from ${url} for ${timeoutMs} ms.`, {
          cause: error,
          details: { file: file.name, url, timeoutMs },
        }),
        true,
      );
    }
    return new AttemptError(
      new FmnistError('DOWNLOAD_FAILED', `Request to ${url} failed: ${describeError(error)}.`, {
        cause: error,
        details: { file: file.name, url },
      }),
      !isRedirectLoop(error),
    );
  };

  arm();
  try {
    let response: Response;
    try {
      response = await ctx.fetch(url, {
        signal: controller.signal,
        redirect: 'follow',
        // The bytes as published: a transfer encoding would make Content-Length meaningless and
        // a transparently inflated .gz fail its sha256. (Browsers ignore this header.)
        headers: { 'accept-encoding': 'identity' },
      });
    } catch (error) {
      throw failure(error);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      const status = response.status;
      const retryAfterMs =
        status === 429 || status === 503
          ? parseRetryAfter(response.headers.get('retry-after'))
          : undefined;
      const tooLate = retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS;
      const after =
        retryAfterMs === undefined
          ? ''
          : ` with Retry-After ${Math.ceil(retryAfterMs / 1000)} s${tooLate ? ` (more than the ${MAX_RETRY_AFTER_MS / 1000} s fmnist waits; trying the next mirror)` : ''}`;
      throw new AttemptError(
        new FmnistError(
          status === 404 ? 'NOT_FOUND' : 'DOWNLOAD_FAILED',
          `${url} answered HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}${after}.`,
          {
            details: {
              file: file.name,
              url,
              status,
              ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
            },
          },
        ),
        RETRYABLE_STATUS.has(status) && !tooLate,
        status,
        retryAfterMs,
      );
    }

    // A redirect must not downgrade a file that only https protects.
    if (response.url && !response.url.startsWith('https:') && !file.sha256 && !ctx.insecureOk) {
      await response.body?.cancel().catch(() => undefined);
      throw new AttemptError(
        new FmnistError(
          'INVALID_ARGUMENT',
          `${url} redirected to the non-https ${response.url}, refused because ${file.name} has no sha256.`,
          { details: { file: file.name, url, redirectedTo: response.url } },
        ),
        false,
      );
    }

    // With a Content-Encoding, fetch inflates and Content-Length counts the encoded bytes.
    const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
    const header = encoded ? null : response.headers.get('content-length');
    const declared = header !== null && /^\d+$/.test(header.trim()) ? Number(header) : undefined;
    const total = declared ?? (file.bytes > 0 ? file.bytes : undefined);
    // A body far beyond what the descriptor promises is not the file: stop before it fills memory.
    const limit = file.bytes > 0 ? file.bytes * 2 + 1024 * 1024 : Number.POSITIVE_INFINITY;
    const tooLong = (size: number) =>
      new AttemptError(
        new FmnistError(
          'DOWNLOAD_FAILED',
          `${url} sends ${size} or more bytes for ${file.name}, which has ${file.bytes}: this is not the expected file.`,
          { details: { file: file.name, url, bytes: size, expectedBytes: file.bytes } },
        ),
        false,
      );
    if (declared !== undefined && declared > limit) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLong(declared);
    }

    // Preallocate the announced size (bounded, since the header is the server's word).
    let buffer = new Uint8Array(Math.min(total ?? 64 * 1024, 256 * 1024 * 1024));
    let loaded = 0;
    safeProgress(ctx.options, { file: file.name, url, loaded, total, attempt, phase: 'download' });
    if (response.body) {
      const reader = response.body.getReader();
      try {
        for (;;) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await reader.read();
          } catch (error) {
            throw failure(error);
          }
          if (chunk.done) break;
          arm();
          const bytes = chunk.value;
          if (loaded + bytes.length > limit) throw tooLong(loaded + bytes.length);
          if (loaded + bytes.length > buffer.length) {
            const grown = new Uint8Array(Math.max(buffer.length * 2, loaded + bytes.length));
            grown.set(buffer.subarray(0, loaded));
            buffer = grown;
          }
          buffer.set(bytes, loaded);
          loaded += bytes.length;
          safeProgress(ctx.options, {
            file: file.name,
            url,
            loaded,
            total,
            attempt,
            phase: 'download',
          });
        }
      } finally {
        reader.releaseLock();
      }
    }
    if (declared !== undefined && loaded !== declared) {
      throw new AttemptError(
        new FmnistError(
          'DOWNLOAD_FAILED',
          `${url} ended after ${loaded} of the ${declared} bytes its Content-Length announced.`,
          { details: { file: file.name, url, loaded, contentLength: declared } },
        ),
        true,
      );
    }
    return loaded === buffer.length ? buffer : buffer.subarray(0, loaded);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    ctx.signal?.removeEventListener('abort', onOuterAbort);
    // Ends a body we stopped reading (too long, error); a no-op once it was read to the end.
    controller.abort();
  }
}

/**
 * Throws CHECKSUM_MISMATCH unless `bytes` has the file's sha256 (and, without a sha256, its
 * size). The message names the file and both checksums, so a mix-up such as MNIST files saved
 * under Fashion-MNIST names is recognisable from the message alone.
 */
export async function verifyFile(
  file: DatasetFile,
  bytes: Uint8Array,
  platform: Pick<Platform, 'sha256'>,
  source: string,
  expected: { sha256?: string; bytes?: number } = { sha256: file.sha256, bytes: file.bytes },
): Promise<void> {
  if (expected.sha256) {
    const actual = await platform.sha256(bytes);
    if (actual !== expected.sha256.toLowerCase()) {
      const sizes =
        expected.bytes && expected.bytes > 0 && expected.bytes !== bytes.length
          ? ` (${bytes.length} bytes, expected ${expected.bytes})`
          : '';
      throw new FmnistError(
        'CHECKSUM_MISMATCH',
        `${file.name} from ${source} has sha256 ${actual} but ${expected.sha256} was expected${sizes}. ` +
          'The file is corrupt or is a different file under the same name (for example MNIST ' +
          'files in place of Fashion-MNIST ones).',
        {
          details: {
            file: file.name,
            source,
            expected: expected.sha256,
            actual,
            bytes: bytes.length,
            expectedBytes: expected.bytes,
          },
        },
      );
    }
  } else if (expected.bytes && expected.bytes > 0 && bytes.length !== expected.bytes) {
    throw new FmnistError(
      'CHECKSUM_MISMATCH',
      `${file.name} from ${source} has ${bytes.length} bytes but ${expected.bytes} were expected.`,
      { details: { file: file.name, source, bytes: bytes.length, expectedBytes: expected.bytes } },
    );
  }
}

/**
 * Downloads one file, trying `mirrors` in order and each up to `retries + 1` times, and resolves
 * with its bytes only after they matched the file's sha256 (or, for a file without one, its
 * size).
 *
 * Transient failures (network errors, HTTP 5xx/408/429, idle TIMEOUT, a body shorter than its
 * Content-Length) are retried on the same mirror after a backoff (at least the `Retry-After`
 * of a 429 or 503, when that is 30 s or less); a 404 or other 4xx, a checksum mismatch, an
 * over-long body, a redirect loop and a `Retry-After` beyond 30 s move on to the next mirror at
 * once. Redirects are followed, to other hosts too (mirrors such as object stores and release
 * pages redirect): what makes the bytes trustworthy is the sha256, not the host. When all fail:
 * CHECKSUM_MISMATCH if some mirror delivered a wrong file (it is the most telling failure),
 * otherwise DOWNLOAD_FAILED. Both carry `details.attempts` (every URL tried and why, see
 * {@link DownloadAttempt}) and the last error as `cause`. ABORTED as soon as `signal` fires,
 * which also cancels the request in flight and any backoff wait.
 *
 * Non-https mirrors are skipped for a file without a sha256 unless `allowInsecure` is set.
 */
export async function downloadFile(
  file: DatasetFile,
  options: DownloadFileOptions = {},
): Promise<Uint8Array> {
  const platform = options.platform ?? browserPlatform();
  const mirrors = options.mirrors ?? [];
  const retries = options.retries ?? DEFAULT_RETRIES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  checkNumber('retries', retries, 0);
  checkNumber('timeoutMs', timeoutMs, 1);
  checkNumber('retryDelayMs', retryDelayMs, 0);
  if (mirrors.length === 0) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `No mirrors to download ${file.name} from: pass options.mirrors.`,
      { details: { file: file.name } },
    );
  }
  const { signal } = options;
  if (signal?.aborted) throw abortedError(file.name, signal);

  const fetchFn = options.fetch ?? platform.fetch;
  const attempts: DownloadAttempt[] = [];
  let lastError: FmnistError | undefined;
  let mismatch: FmnistError | undefined;
  let attemptNo = 0;

  for (const mirror of mirrors) {
    const url = mirrorUrl(mirror, file.name);
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      lastError = new FmnistError('INVALID_ARGUMENT', `Mirror ${mirror} is not an http(s) URL.`, {
        details: { mirror },
      });
      attempts.push({ url: mirror, attempt: 0, code: lastError.code, reason: lastError.message });
      continue;
    }
    const href = url.href;
    if (url.protocol !== 'https:' && !file.sha256 && !options.allowInsecure) {
      lastError = new FmnistError(
        'INVALID_ARGUMENT',
        `Refused the non-https mirror ${href}: ${file.name} has no sha256, so nothing would ` +
          'protect it. Add a sha256 to the dataset, or set allowInsecure / allowInsecureMirrors.',
        { details: { file: file.name, url: href } },
      );
      attempts.push({ url: href, attempt: 0, code: lastError.code, reason: lastError.message });
      continue;
    }
    // What the last answer's Retry-After asked for; it overrides a shorter backoff.
    let retryAfterMs: number | undefined;
    for (let retry = 0; retry <= retries; retry++) {
      if (retry > 0) {
        const delay = Math.max(backoffMs(retryDelayMs, retry), retryAfterMs ?? 0);
        await sleep(delay, file.name, signal);
      }
      attemptNo += 1;
      const ctx: AttemptContext = {
        file,
        url: href,
        attempt: attemptNo,
        timeoutMs,
        fetch: fetchFn,
        signal,
        options,
        insecureOk: options.allowInsecure === true,
      };
      try {
        const bytes = await fetchOnce(ctx);
        safeProgress(options, {
          file: file.name,
          url: href,
          loaded: 0,
          total: bytes.length,
          attempt: attemptNo,
          phase: 'verify',
        });
        try {
          await verifyFile(file, bytes, platform, href);
        } catch (error) {
          if (isFmnistError(error, 'CHECKSUM_MISMATCH')) throw new AttemptError(error, false);
          throw error;
        }
        safeProgress(options, {
          file: file.name,
          url: href,
          loaded: bytes.length,
          total: bytes.length,
          attempt: attemptNo,
          phase: 'verify',
        });
        return bytes;
      } catch (error) {
        if (signal?.aborted) throw abortedError(file.name, signal);
        if (!(error instanceof AttemptError)) throw error;
        lastError = error.error;
        if (lastError.code === 'CHECKSUM_MISMATCH') mismatch ??= lastError;
        attempts.push({
          url: href,
          attempt: attemptNo,
          code: lastError.code,
          ...(error.status === undefined ? {} : { status: error.status }),
          reason: lastError.message,
        });
        retryAfterMs = error.retryAfterMs;
        if (!error.retryable) break;
      }
    }
  }

  const list = attempts.map((a) => `  ${a.url}: ${a.reason}`).join('\n');
  if (mismatch) {
    throw new FmnistError('CHECKSUM_MISMATCH', `${mismatch.message}\nAll attempts:\n${list}`, {
      cause: lastError,
      details: { ...mismatch.details, attempts },
    });
  }
  throw new FmnistError(
    'DOWNLOAD_FAILED',
    `Could not download ${file.name} from any of ${mirrors.length} mirror(s):\n${list}`,
    { cause: lastError, details: { file: file.name, attempts } },
  );
}
