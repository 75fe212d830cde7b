// The mirrors: fetching one dataset file from an ordered list of them. Mirrors go down, stall,
// cut connections and occasionally serve the wrong file, so every attempt is bounded by an idle
// timeout, retried with backoff, and nothing is returned before its sha256 has been checked.
import type { DatasetFile } from './datasets.ts';
import { startDeadline } from './deadline.ts';
import { FmnistError, isFmnistError } from './errors.ts';
import { downloadAborted, fetchOnce } from './fetchAttempt.ts';
import { checkMirrors, mirrorFileUrl } from './mirrorUrl.ts';
import { checkDownloadOptions } from './optionChecks.ts';
import { mixedContentSkip, resolveMirror } from './pageMirrors.ts';
import { browserPlatform, type Platform } from './platform.ts';
import { DEFAULT_WAITING_INTERVAL_MS, type LoadProgress, safeListener } from './progress.ts';
import { AttemptError, DEFAULT_RETRIES, DEFAULT_RETRY_DELAY_MS, retrying } from './retryer.ts';
import { verifyWithProgress } from './verify.ts';

/** Options for {@link downloadFile}, also accepted by {@link loadDataset}. */
export interface DownloadOptions {
  /**
   * Base URLs tried in order, each joined with the file name (a query string, such as a signed
   * URL's token, is kept: `https://host/dir/?t=1` fetches `https://host/dir/FILE?t=1`). For
   * `loadDataset` the default is the dataset's own mirrors; `downloadFile` needs them. A URL with
   * credentials (`https://user:pass@host/`) is refused up front with INVALID_ARGUMENT, and never
   * printed: pass them through a custom `fetch` instead. In a page, a relative URL (`'/data/'`,
   * `'./data/'`) resolves against `location.href`, and on an https page an http mirror is
   * skipped with one line in the error's attempts (browsers would block it as mixed content).
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
   * Cap on the whole call in ms: `downloadFile` over all mirrors and retries, `loadDataset` over
   * every file of the load. When it passes, the work in flight is cancelled and the call rejects
   * with TIMEOUT (`details.deadlineMs`). Default 600000 (10 minutes); `Infinity` for no cap.
   */
  deadlineMs?: number;
  /**
   * How often, in ms, a request that receives nothing (no headers yet, or a stalled body) is
   * reported through `onProgress` as a `waiting` event with `waitedMs`. Default 2000.
   */
  waitingIntervalMs?: number;
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
  /** Called with progress; see {@link LoadProgress}. Exceptions it throws are ignored. */
  onProgress?: (progress: LoadProgress) => void;
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

const DEFAULT_TIMEOUT_MS = 30_000;

/** Throws INVALID_ARGUMENT unless `value` is undefined or a finite number >= `min`. */
function checkNumber(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= min)) {
    throw new FmnistError('INVALID_ARGUMENT', `${name} must be a number >= ${min}, got ${value}.`, {
      details: { [name]: value },
    });
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
  checkDownloadOptions(options, 'downloadFile');
  const platform = options.platform ?? browserPlatform();
  const mirrors = options.mirrors ?? [];
  const retries = options.retries ?? DEFAULT_RETRIES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  checkNumber('retries', retries, 0);
  checkNumber('timeoutMs', timeoutMs, 1);
  checkNumber('retryDelayMs', retryDelayMs, 0);
  checkNumber('waitingIntervalMs', options.waitingIntervalMs, 1);
  if (mirrors.length === 0) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `No mirrors to download ${file.name} from: pass options.mirrors.`,
      { details: { file: file.name } },
    );
  }
  checkMirrors(mirrors);
  if (options.signal?.aborted) throw downloadAborted(file.name, options.signal);
  const deadline = startDeadline(options.signal, options.deadlineMs, `Downloading ${file.name}`);
  try {
    return await tryMirrors(
      file,
      { ...options, platform, mirrors, retries, timeoutMs, retryDelayMs },
      deadline.signal,
    );
  } catch (error) {
    const timeout = deadline.expired();
    if (timeout) {
      throw new FmnistError('TIMEOUT', timeout.message, {
        cause: error,
        details: { ...timeout.details, file: file.name },
      });
    }
    throw error;
  } finally {
    deadline.clear();
  }
}

type ResolvedOptions = DownloadFileOptions &
  Required<
    Pick<DownloadFileOptions, 'platform' | 'mirrors' | 'retries' | 'timeoutMs' | 'retryDelayMs'>
  >;

/** The mirror loop of {@link downloadFile}, under the signal that carries its deadline. */
async function tryMirrors(
  file: DatasetFile,
  options: ResolvedOptions,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const { platform, mirrors, retries, timeoutMs, retryDelayMs } = options;

  const fetchFn = options.fetch ?? platform.fetch;
  const progress = safeListener(options.onProgress);
  const attempts: DownloadAttempt[] = [];
  let lastError: FmnistError | undefined;
  let mismatch: FmnistError | undefined;
  let attemptNo = 0;

  for (const listed of mirrors) {
    // In a page: '/data/' means the page's own folder, and https pages cannot use http mirrors.
    const mirror = resolveMirror(listed);
    const mixed = mixedContentSkip(mirror);
    if (mixed) {
      lastError = mixed;
      attempts.push({ url: mirror, attempt: 0, code: mixed.code, reason: mixed.message });
      continue;
    }
    const url = mirrorFileUrl(mirror, file.name);
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
    const result = await retrying(
      async () => {
        attemptNo += 1;
        const attempt = attemptNo;
        const bytes = await fetchOnce({
          file,
          url: href,
          attempt,
          timeoutMs,
          fetch: fetchFn,
          signal,
          progress,
          waitingIntervalMs: options.waitingIntervalMs ?? DEFAULT_WAITING_INTERVAL_MS,
          insecureOk: options.allowInsecure === true,
        });
        try {
          await verifyWithProgress(file, bytes, platform, { source: href, attempt, progress });
        } catch (error) {
          if (isFmnistError(error, 'CHECKSUM_MISMATCH')) throw new AttemptError(error, false);
          throw error;
        }
        return bytes;
      },
      {
        retries,
        retryDelayMs,
        signal,
        aborted: () => downloadAborted(file.name, signal),
        onFailure: (failure) => {
          lastError = failure.error;
          if (lastError.code === 'CHECKSUM_MISMATCH') mismatch ??= lastError;
          attempts.push({
            url: href,
            attempt: attemptNo,
            code: lastError.code,
            ...(failure.status === undefined ? {} : { status: failure.status }),
            reason: lastError.message,
          });
        },
      },
    );
    if (result.ok) return result.value;
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
