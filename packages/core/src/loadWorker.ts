// The worker side of loadInWorker: loads (downloads, verifies, decodes) in a Web Worker and hands the decoded buffers to the page without copying them.
import { type LoadOptions, loadDataset } from './load.ts';
import type { DatasetSplit } from './splits.ts';
import {
  resultBuffers,
  toWorkerError,
  type WorkerAbortRequest,
  type WorkerLoadRequest,
  type WorkerReply,
} from './workerProtocol.ts';

/** The part of a worker's global scope the load worker uses (the DOM lib types `self` as Window). */
export interface WorkerScope {
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
  addEventListener(
    type: 'message',
    listener: (event: MessageEvent<WorkerLoadRequest | WorkerAbortRequest>) => void,
  ): void;
}

let scope = globalThis as unknown as WorkerScope;
const running = new Map<number, AbortController>();

/** Runs one load request and posts its progress, result and transfer report. */
async function run(request: WorkerLoadRequest): Promise<void> {
  const { id, options } = request;
  const controller = new AbortController();
  running.set(id, controller);
  try {
    const { progress, split, ...rest } = options;
    const result = (await loadDataset({
      ...rest,
      split,
      signal: controller.signal,
      onProgress: progress
        ? (p) => scope.postMessage({ type: 'progress', id, progress: { ...p } })
        : undefined,
    } as LoadOptions)) as DatasetSplit | Record<string, DatasetSplit>;
    const buffers = resultBuffers(result);
    const bytes = buffers.reduce((n, b) => n + b.byteLength, 0);
    scope.postMessage({ type: 'result', id, result }, buffers);
    // Transferred buffers are detached here (byteLength 0): proof that nothing was copied.
    const detached = buffers.every((b) => b.byteLength === 0);
    scope.postMessage({ type: 'transferred', id, buffers: buffers.length, bytes, detached });
  } catch (error) {
    const reply = toWorkerError(error);
    try {
      scope.postMessage({ type: 'error', id, error: reply });
    } catch {
      // Details that cannot be cloned (a function, a stream) are dropped; the code and message stay.
      scope.postMessage({ type: 'error', id, error: { ...reply, details: undefined } });
    }
  } finally {
    running.delete(id);
  }
}

/**
 * Answers `loadInWorker`'s requests in this worker: call it once at the top of a worker module
 * you bundle yourself (`import { serveLoadRequests } from '@fmnist/core/worker'`). The default
 * worker of `loadInWorker` (this file, emitted by Vite, webpack 5 or Parcel) starts it by itself.
 */
export function serveLoadRequests(
  workerScope: WorkerScope = globalThis as unknown as WorkerScope,
): void {
  scope = workerScope;
  scope.addEventListener('message', (event) => {
    const message = event.data;
    if (message?.type === 'load') void run(message);
    else if (message?.type === 'abort') running.get(message.id)?.abort(message.reason);
  });
}

/** True inside a dedicated or shared worker; false in a page, in Node and in Deno's main thread. */
function inWorkerScope(): boolean {
  const workerGlobal = (globalThis as { WorkerGlobalScope?: abstract new () => unknown })
    .WorkerGlobalScope;
  return typeof workerGlobal === 'function' && globalThis instanceof workerGlobal;
}

// Started only inside a worker, so that importing this entry elsewhere (Node, a type check, a
// bundler's analysis) has no effect.
if (inWorkerScope()) serveLoadRequests();
