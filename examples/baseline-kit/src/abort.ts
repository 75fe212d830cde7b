// Aborting a baseline: the one typed error a baseline rejects with when its signal fires.
import { FmnistError } from '@fmnist/core';

/**
 * Throws `FmnistError('ABORTED')` when `signal` has fired. Baselines call it between batches, so a
 * run stops within one batch and never reports a half-trained model as a result.
 *
 * @param what The run, for the message (`'tfjs mlp-128 training'`).
 */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (!signal?.aborted) return;
  throw new FmnistError('ABORTED', `${what} was aborted.`, { cause: signal.reason });
}
