// The total-time cap of a load or a download: one abort signal that fires on the caller's abort or when the time is up, and the TIMEOUT error it stands for.
import { FmnistError } from './errors.ts';

/**
 * How long a whole `loadDataset` or `downloadFile` call may take, unless `deadlineMs` says
 * otherwise: 10 minutes. Enough for all four Fashion-MNIST files (30 MB) at 50 kB/s, and an
 * upper bound on retries against mirrors that accept connections and never answer.
 */
export const DEFAULT_DEADLINE_MS = 600_000;

/** setTimeout fires at once for delays beyond this (a signed 32-bit ms count). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The signal of one capped operation, see {@link startDeadline}. */
export interface Deadline {
  /** Fires when the caller's signal fires, when the time is up, or on {@link Deadline.abort}. */
  readonly signal: AbortSignal;
  /** The TIMEOUT error once the time is up; undefined before (and after a caller's abort). */
  expired(): FmnistError | undefined;
  /** Aborts the operation's work early (one part failed, the rest need not go on). */
  abort(reason: unknown): void;
  /** Stops the timer and detaches from the caller's signal; call it when the operation settles. */
  clear(): void;
}

/**
 * Throws INVALID_ARGUMENT unless `deadlineMs` is undefined, `Infinity` (no cap) or a finite
 * number >= 1.
 */
export function checkDeadline(deadlineMs: number | undefined): void {
  if (
    deadlineMs !== undefined &&
    !(deadlineMs === Number.POSITIVE_INFINITY || (Number.isFinite(deadlineMs) && deadlineMs >= 1))
  ) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `deadlineMs must be a number of milliseconds >= 1 (or Infinity for no cap), got ${String(deadlineMs)}.`,
      { details: { deadlineMs } },
    );
  }
}

/**
 * Starts the cap of one operation (`what`, e.g. `loading fashion-mnist (train)`): a signal that
 * follows `outer` and fires with a TIMEOUT error after `deadlineMs` (default
 * {@link DEFAULT_DEADLINE_MS}; `Infinity` for none).
 */
export function startDeadline(
  outer: AbortSignal | undefined,
  deadlineMs: number | undefined,
  what: string,
): Deadline {
  checkDeadline(deadlineMs);
  const ms = deadlineMs ?? DEFAULT_DEADLINE_MS;
  const controller = new AbortController();
  let timeout: FmnistError | undefined;
  const onAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  if (outer?.aborted) controller.abort(outer.reason);
  const timer =
    ms <= MAX_TIMER_MS
      ? setTimeout(() => {
          timeout = new FmnistError(
            'TIMEOUT',
            `${what} took longer than its deadline of ${formatMs(ms)} (the deadlineMs option; ` +
              '`fmnist download --deadline SECONDS` in the CLI).',
            { details: { deadlineMs: ms } },
          );
          controller.abort(timeout);
        }, ms)
      : undefined;
  return {
    signal: controller.signal,
    expired: () => timeout,
    abort: (reason) => controller.abort(reason),
    clear: () => {
      if (timer !== undefined) clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
