// Retrying one source: how many attempts, the randomised exponential backoff between them, and the server's Retry-After.
import type { FmnistError } from './errors.ts';

/** Extra attempts per mirror after the first one fails, unless `retries` says otherwise. */
export const DEFAULT_RETRIES = 2;
/** Base delay of the backoff, unless `retryDelayMs` says otherwise. */
export const DEFAULT_RETRY_DELAY_MS = 500;
/** The longest backoff between two attempts. */
export const MAX_RETRY_DELAY_MS = 30_000;
/**
 * The longest `Retry-After` worth waiting for. A server that asks for more is effectively down
 * for this run; sleeping minutes inside a data loader helps nobody, so the next mirror is tried.
 */
export const MAX_RETRY_AFTER_MS = MAX_RETRY_DELAY_MS;

/** Statuses worth retrying on the same mirror; any other 4xx moves on to the next mirror. */
export const RETRYABLE_STATUS: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * The failure of one attempt, with the verdict the retryer acts on: whether trying the same
 * source again could help, and how long the server asked to wait first.
 */
export class AttemptError extends Error {
  constructor(
    /** The error to report for this attempt. */
    readonly error: FmnistError,
    /** Whether another attempt on the same source could succeed. */
    readonly retryable: boolean,
    /** HTTP status, when the server answered with an error status. */
    readonly status?: number,
    /** What the server's Retry-After header asked for, in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(error.message);
  }
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

/**
 * The wait before the `retry`-th retry (1-based): `base * 2 ** (retry - 1)`, capped at
 * {@link MAX_RETRY_DELAY_MS} and randomised to 50-100% so that many clients do not retry in step.
 */
export function backoffMs(base: number, retry: number): number {
  const exponential = Math.min(MAX_RETRY_DELAY_MS, base * 2 ** (retry - 1));
  return exponential * (0.5 + Math.random() * 0.5);
}

/** Resolves after `ms`, or rejects with `aborted()` as soon as the signal fires. */
export function sleep(
  ms: number,
  signal: AbortSignal | undefined,
  aborted: () => Error,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(aborted());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** How {@link retrying} runs attempts. */
export interface RetryOptions {
  /** Extra attempts after the first one fails retryably. */
  retries: number;
  /** Base delay of the backoff, in ms (see {@link backoffMs}). */
  retryDelayMs: number;
  /** Stops waiting and retrying; the retryer then rejects with `aborted()`. */
  signal?: AbortSignal;
  /** The ABORTED error to reject with once `signal` has fired. */
  aborted: () => Error;
  /** Called with every failed attempt, before deciding whether to try again. */
  onFailure?: (failure: AttemptError) => void;
}

/** What {@link retrying} ended with: the value, or the failure of the last attempt. */
export type RetryResult<T> = { ok: true; value: T } | { ok: false; failure: AttemptError };

/**
 * Runs `attempt` up to `retries + 1` times. A rejection with an {@link AttemptError} that is
 * retryable is followed, after the backoff or the `Retry-After` it carries (whichever is longer),
 * by another attempt; one that is not ends the run. Any other rejection propagates at once, and
 * so does `aborted()` when the signal fires during an attempt or a wait.
 */
export async function retrying<T>(
  attempt: () => Promise<T>,
  options: RetryOptions,
): Promise<RetryResult<T>> {
  const { signal } = options;
  // What the last answer's Retry-After asked for; it overrides a shorter backoff.
  let retryAfterMs: number | undefined;
  let last: AttemptError | undefined;
  for (let retry = 0; retry <= options.retries; retry++) {
    if (retry > 0) {
      const delay = Math.max(backoffMs(options.retryDelayMs, retry), retryAfterMs ?? 0);
      await sleep(delay, signal, options.aborted);
    }
    try {
      return { ok: true, value: await attempt() };
    } catch (error) {
      if (signal?.aborted) throw options.aborted();
      if (!(error instanceof AttemptError)) throw error;
      last = error;
      options.onFailure?.(error);
      retryAfterMs = error.retryAfterMs;
      if (!error.retryable) break;
    }
  }
  // retries >= 0, so at least one attempt ran and failed.
  return { ok: false, failure: last! };
}
