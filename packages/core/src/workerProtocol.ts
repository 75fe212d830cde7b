// The messages between loadInWorker and its worker, and the buffers a loaded result hands over without copying.
import type { DatasetDescriptor } from './datasets.ts';
import { FmnistError, type FmnistErrorCode, isFmnistError } from './errors.ts';
import type { LoadProgress } from './progress.ts';
import type { DatasetSplit } from './splits.ts';

/** The load options that travel to the worker: data only, mirrors already absolute. */
export interface WorkerLoadRequest {
  type: 'load';
  id: number;
  options: {
    dataset: DatasetDescriptor;
    split: string | readonly string[];
    mirrors?: readonly string[];
    cache?: false;
    retries?: number;
    timeoutMs?: number;
    deadlineMs?: number;
    waitingIntervalMs?: number;
    retryDelayMs?: number;
    allowInsecure?: boolean;
    /** Whether to send progress events at all (a listener is set on the page). */
    progress: boolean;
  };
}

/** Cancels the load `id` (the page's signal fired). */
export interface WorkerAbortRequest {
  type: 'abort';
  id: number;
  reason?: string;
}

/** A loaded error, as data: code, message, details. */
export interface WorkerError {
  name: string;
  code?: FmnistErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** What the worker answers: progress, the result (buffers transferred), then a transfer report. */
export type WorkerReply =
  | { type: 'progress'; id: number; progress: LoadProgress }
  | { type: 'result'; id: number; result: DatasetSplit | Record<string, DatasetSplit> }
  | { type: 'transferred'; id: number; buffers: number; bytes: number; detached: boolean }
  | { type: 'error'; id: number; error: WorkerError };

/** The splits of a result: one, or each of a `{ train, test }` record. */
function splitsOf(result: DatasetSplit | Record<string, DatasetSplit>): DatasetSplit[] {
  return 'images' in result && result.images instanceof Uint8Array
    ? [result as DatasetSplit]
    : Object.values(result as Record<string, DatasetSplit>);
}

/**
 * The distinct buffers behind a result's images and labels: what `postMessage` transfers. Two
 * splits that view one buffer (`train[:80%]`, `train[80%:]`) list it once, as a transfer list
 * must.
 */
export function resultBuffers(result: DatasetSplit | Record<string, DatasetSplit>): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const split of splitsOf(result)) {
    buffers.add(split.images.buffer as ArrayBuffer);
    buffers.add(split.labels.buffer as ArrayBuffer);
  }
  return [...buffers];
}

/** `error` as data that survives `postMessage` (an FmnistError keeps its code and details). */
export function toWorkerError(error: unknown): WorkerError {
  if (isFmnistError(error)) {
    return { name: error.name, code: error.code, message: error.message, details: error.details };
  }
  const e = error as Error | undefined;
  return { name: e?.name ?? 'Error', message: e?.message ?? String(error) };
}

/** The page-side error for a {@link WorkerError}: an FmnistError again when it was one. */
export function fromWorkerError(error: WorkerError): Error {
  if (error.code) {
    return new FmnistError(error.code, error.message, { details: error.details });
  }
  const out = new Error(error.message);
  out.name = error.name;
  return out;
}
