// One HTTP attempt at a file: the request, the body read chunk by chunk under an idle timeout, and what its failure means for a retry.
import type { DatasetFile } from './datasets.ts';
import { FmnistError } from './errors.ts';
import { watchHeaderBytes } from './headerActivity.ts';
import type { ProgressListener } from './progress.ts';
import { AttemptError, MAX_RETRY_AFTER_MS, parseRetryAfter, RETRYABLE_STATUS } from './retryer.ts';

/** The ABORTED error of a download whose signal fired. */
export function downloadAborted(file: string, signal: AbortSignal): FmnistError {
  return new FmnistError('ABORTED', `Downloading ${file} was aborted.`, {
    cause: signal.reason,
    details: { file },
  });
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

/** What one attempt needs to know. */
export interface AttemptContext {
  /** The file being fetched; its `bytes` bound the body and its `sha256` decides redirects. */
  file: DatasetFile;
  /** The URL to request. */
  url: string;
  /** 1-based attempt number over all mirrors, for progress events. */
  attempt: number;
  /** Idle timeout in ms: no header or body byte for this long fails with TIMEOUT. */
  timeoutMs: number;
  /** The fetch to use. */
  fetch: typeof globalThis.fetch;
  /** The caller's signal: aborting it rejects with ABORTED. */
  signal: AbortSignal | undefined;
  /**
   * Receives a `download` event when headers arrive and after every chunk, and a `waiting` event
   * every `waitingIntervalMs` while nothing arrives.
   */
  progress: ProgressListener;
  /** How often a `waiting` event reports silence, in ms. */
  waitingIntervalMs: number;
  /** Whether a redirect to plain http is allowed for a file without a sha256. */
  insecureOk: boolean;
}

/**
 * Failures that the same URL would repeat at once, so retrying only wastes the user's time: a
 * redirect chain that never ends or that leaves http(s) (undici's words for both), and a host
 * name that DNS does not know (ENOTFOUND; a temporary EAI_AGAIN is still retried).
 */
function finalFailure(error: unknown): 'loop' | 'scheme' | 'dns' | undefined {
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (!(cause instanceof Error)) return undefined;
  if (/redirect count exceeded/i.test(cause.message)) return 'loop';
  if (/URL scheme must be a HTTP\(S\) scheme/i.test(cause.message)) return 'scheme';
  if ((cause as { code?: unknown }).code === 'ENOTFOUND') return 'dns';
  return undefined;
}

const FINAL_WORDS = {
  loop: 'the redirects never end',
  scheme: 'it redirected to a URL that is not http(s), which is never followed',
  dns: 'the host name is unknown to DNS (ENOTFOUND)',
};

/**
 * One request: headers, then the body chunk by chunk under an idle timer. Resolves with the
 * body (not yet verified); rejects with an {@link AttemptError} that says whether the same URL
 * is worth another try, or with ABORTED when the caller's signal fires.
 */
export async function fetchOnce(ctx: AttemptContext): Promise<Uint8Array> {
  const { file, url, attempt, timeoutMs } = ctx;
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Silence is measured from the last byte: body chunks, and header bytes where the probe can
  // see them (a server that sends its headers slowly is slow, not silent).
  let lastActivity = performance.now();
  let headerBytes = 0;
  let loaded = 0;
  let total: number | undefined;
  let probe: ReturnType<typeof watchHeaderBytes> | undefined = watchHeaderBytes(url);
  // Where this attempt stands, as a download or waiting event.
  const report = (phase: 'download' | 'waiting', waitedMs?: number) =>
    ctx.progress({
      file: file.name,
      url,
      loaded,
      total,
      attempt,
      phase,
      ...(waitedMs === undefined ? {} : { waitedMs }),
    });
  const idleMs = () => {
    const seen = probe?.bytes();
    if (seen !== undefined && seen > headerBytes) {
      headerBytes = seen;
      lastActivity = performance.now();
    }
    return performance.now() - lastActivity;
  };
  const arm = (ms = timeoutMs) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      const idle = idleMs();
      if (idle < timeoutMs) {
        arm(timeoutMs - idle);
        return;
      }
      timedOut = true;
      controller.abort();
    }, ms);
  };
  const touch = () => {
    lastActivity = performance.now();
    arm();
  };
  const waitingTimer = setInterval(() => {
    const idle = idleMs();
    // Timers may fire a little early against performance.now(): allow 10 %.
    if (idle < ctx.waitingIntervalMs * 0.9) return;
    report('waiting', Math.round(idle));
  }, ctx.waitingIntervalMs);
  const onOuterAbort = () => controller.abort(ctx.signal?.reason);
  ctx.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (ctx.signal?.aborted) controller.abort(ctx.signal.reason);

  const failure = (error: unknown): AttemptError => {
    if (error instanceof AttemptError) return error;
    if (ctx.signal?.aborted) throw downloadAborted(file.name, ctx.signal);
    if (timedOut) {
      return new AttemptError(
        new FmnistError('TIMEOUT', `No data from ${url} for ${timeoutMs} ms.`, {
          cause: error,
          details: { file: file.name, url, timeoutMs },
        }),
        true,
      );
    }
    const final = finalFailure(error);
    const why = final === undefined ? '' : ` (not retried: ${FINAL_WORDS[final]})`;
    return new AttemptError(
      new FmnistError(
        'DOWNLOAD_FAILED',
        `Request to ${url} failed: ${describeError(error)}${why}.`,
        { cause: error, details: { file: file.name, url } },
      ),
      final === undefined,
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
    probe.release();
    probe = undefined;
    touch();
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

    // A request without Range must get the whole file; a 206 is a server or proxy fault that
    // another attempt may not repeat.
    if (response.status === 206) {
      await response.body?.cancel().catch(() => undefined);
      throw new AttemptError(
        new FmnistError(
          'DOWNLOAD_FAILED',
          `${url} answered 206 Partial Content to a request without Range: that is a part of ${file.name} at most, not the file.`,
          { details: { file: file.name, url, status: 206 } },
        ),
        true,
        206,
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
    total = declared ?? (file.bytes > 0 ? file.bytes : undefined);
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
    report('download');
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
          touch();
          const bytes = chunk.value;
          if (loaded + bytes.length > limit) throw tooLong(loaded + bytes.length);
          if (loaded + bytes.length > buffer.length) {
            const grown = new Uint8Array(Math.max(buffer.length * 2, loaded + bytes.length));
            grown.set(buffer.subarray(0, loaded));
            buffer = grown;
          }
          buffer.set(bytes, loaded);
          loaded += bytes.length;
          report('download');
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
    clearInterval(waitingTimer);
    probe?.release();
    ctx.signal?.removeEventListener('abort', onOuterAbort);
    // Ends a body we stopped reading (too long, error); a no-op once it was read to the end.
    controller.abort();
  }
}
