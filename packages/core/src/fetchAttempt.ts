// One HTTP attempt at a file: the request, the body read chunk by chunk under an idle timeout, and what its failure means for a retry.
import type { DatasetFile } from './datasets.ts';
import { FmnistError } from './errors.ts';
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
  /** Receives a `download` event when headers arrive and after every chunk. */
  progress: ProgressListener;
  /** Whether a redirect to plain http is allowed for a file without a sha256. */
  insecureOk: boolean;
}

/** undici's words for a redirect chain that never ends; retrying the same chain cannot help. */
function isRedirectLoop(error: unknown): boolean {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof Error && /redirect count exceeded/i.test(cause.message);
}

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
    ctx.progress({ file: file.name, url, loaded, total, attempt, phase: 'download' });
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
          ctx.progress({
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
