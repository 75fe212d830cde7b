// Loading off the main thread: loadInWorker runs loadDataset in a module Web Worker and receives the decoded buffers by transfer, so the page stays responsive.
import { getDataset } from './datasets.ts';
import { FmnistError } from './errors.ts';
import type { LoadedSplits, LoadOptions, SplitSelector } from './load.ts';
import { resolveMirror } from './pageMirrors.ts';
import { safeListener } from './progress.ts';
import type { DatasetSplit } from './splits.ts';
import { fromWorkerError, type WorkerLoadRequest, type WorkerReply } from './workerProtocol.ts';

/** What {@link WorkerLoadOptions.onTransferred} reports once the result has arrived. */
export interface TransferReport {
  /** How many buffers were transferred (images and labels of each split, shared ones once). */
  buffers: number;
  /** Their bytes. */
  bytes: number;
  /** True when the worker saw its buffers detached after posting them: moved, not copied. */
  detachedInWorker: boolean;
}

/**
 * Options for {@link loadInWorker}: those of `loadDataset` that are data. The worker uses its own
 * browser platform (fetch, Web Crypto, DecompressionStream) and the persistent `browserCache()`
 * (Cache Storage and IndexedDB are shared with the page), so `platform`, `fetch` and a custom
 * `cache` object cannot be passed; `cache: false` can.
 */
export interface WorkerLoadOptions
  extends Omit<LoadOptions, 'platform' | 'cache' | 'fetch' | 'split' | 'dataDir'> {
  /** As for `loadDataset`: `'train'` (default), `'test'`, a split string, or a list of them. */
  split?: SplitSelector | readonly string[];
  /** `false` to load without the worker's `browserCache()`. */
  cache?: false;
  /**
   * A worker running `@fmnist/core/worker`, reused and left running (several loads may share
   * it). Default: a new module worker for this load, terminated when it settles; bundlers that
   * understand `new Worker(new URL(...), { type: 'module' })` (Vite, webpack 5, Parcel) emit it.
   * With esbuild, bundle `@fmnist/core/worker` as an entry of its own and pass it here.
   */
  worker?: Worker;
  /** Told how the result came over (for diagnostics and tests). */
  onTransferred?: (report: TransferReport) => void;
}

let nextId = 1;

/**
 * The module worker that runs loadWorker.ts. A literal URL, so that bundlers find and emit it;
 * `.js` is the built file beside this one, and Vite maps it to the `.ts` source in a workspace.
 */
function defaultWorker(): Worker {
  return new Worker(new URL('./loadWorker.js', import.meta.url), {
    type: 'module',
    name: 'fmnist-load',
  });
}

/** The request for `options`, with the descriptor looked up and relative mirrors resolved here. */
function toRequest(id: number, options: WorkerLoadOptions): WorkerLoadRequest {
  if (typeof (options as { platform?: unknown }).platform === 'object') {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      'loadInWorker: a platform cannot be sent to a worker; the worker uses its own browser platform.',
    );
  }
  const cache = (options as { cache?: unknown }).cache;
  if (cache !== undefined && cache !== false) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      'loadInWorker: cache must be false or absent (the worker uses browserCache(), shared with the page); a cache object cannot be sent to a worker.',
    );
  }
  const descriptor = getDataset(options.dataset);
  // The worker's location is its script's URL: resolve '/data/' against the page here.
  const mirrors = (list: readonly string[] | undefined) => list?.map((m) => resolveMirror(m));
  return {
    type: 'load',
    id,
    options: {
      dataset: { ...descriptor, mirrors: descriptor.mirrors.map((m) => resolveMirror(m)) },
      split: (options.split ?? 'train') as string | readonly string[],
      mirrors: mirrors(options.mirrors),
      cache: options.cache,
      retries: options.retries,
      timeoutMs: options.timeoutMs,
      deadlineMs: options.deadlineMs,
      waitingIntervalMs: options.waitingIntervalMs,
      retryDelayMs: options.retryDelayMs,
      allowInsecure: options.allowInsecure,
      progress: options.onProgress !== undefined,
    },
  };
}

/**
 * `loadDataset` in a module Web Worker: downloading, checking the sha256, inflating and decoding
 * all happen there, and the decoded images and labels come back by transfer (the worker's
 * buffers are moved, not copied). Resolves with what `loadDataset` would: one
 * {@link DatasetSplit}, or `{ train, test }` for a list of splits.
 *
 * ```ts
 * const test = await loadInWorker({ split: 'test', mirrors: ['/data/'] });
 * ```
 *
 * Relative mirrors resolve against the page, progress events arrive through `onProgress`, and
 * `signal` cancels the load in the worker (ABORTED). Errors are the same FmnistErrors, codes and
 * details kept (not `cause`).
 *
 * @throws FmnistError as `loadDataset`; INVALID_ARGUMENT for a `platform` or a cache object.
 */
export function loadInWorker<const S extends string>(
  options: WorkerLoadOptions & { split: readonly S[] },
): Promise<LoadedSplits<S>>;
export function loadInWorker(options?: WorkerLoadOptions): Promise<DatasetSplit>;
export async function loadInWorker(
  options: WorkerLoadOptions = {},
): Promise<DatasetSplit | Record<string, DatasetSplit>> {
  const id = nextId++;
  const request = toRequest(id, options);
  const signal = options.signal;
  if (signal?.aborted) {
    throw new FmnistError('ABORTED', 'Loading in a worker was aborted.', { cause: signal.reason });
  }
  const progress = safeListener(options.onProgress);
  const worker = options.worker ?? defaultWorker();
  const own = options.worker === undefined;
  return new Promise((resolve, reject) => {
    let result: DatasetSplit | Record<string, DatasetSplit> | undefined;
    const onAbort = () =>
      worker.postMessage({ type: 'abort', id, reason: String(signal?.reason ?? 'aborted') });
    const finish = () => {
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
      signal?.removeEventListener('abort', onAbort);
      if (own) worker.terminate();
    };
    const onMessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      if (reply?.id !== id) return;
      if (reply.type === 'progress') progress(reply.progress);
      else if (reply.type === 'result') result = reply.result;
      else if (reply.type === 'transferred') {
        finish();
        options.onTransferred?.({
          buffers: reply.buffers,
          bytes: reply.bytes,
          detachedInWorker: reply.detached,
        });
        resolve(result!);
      } else if (reply.type === 'error') {
        finish();
        reject(fromWorkerError(reply.error));
      }
    };
    const onError = (event: ErrorEvent) => {
      finish();
      reject(
        new FmnistError(
          'INVALID_ARGUMENT',
          `The fmnist load worker failed to start or crashed: ${event.message || 'no message (is the worker script served, as a module?)'}.`,
          { details: { filename: event.filename, line: event.lineno } },
        ),
      );
    };
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.postMessage(request);
  });
}
