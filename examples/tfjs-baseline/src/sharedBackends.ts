// The backends Node and the browser share: wasm (with @fmnist/tfjs's training kernels, stock or threaded) and pure-JS cpu.
import {
  registerWasmTrainingKernels,
  setWasmThreads,
  type WasmThreadsFiles,
} from '@fmnist/tfjs/wasm-kernels';
import * as tf from '@tensorflow/tfjs';
import type { BackendCandidate } from './backendChoice.ts';

/** tfjs-backend-wasm's module, for {@link wasmBackend}'s `configure`. */
export type WasmBackendModule = typeof import('@tensorflow/tfjs-backend-wasm');

/**
 * The wasm backend with `@fmnist/tfjs`'s training kernels: without them it cannot train a CNN
 * (no `Conv2DBackpropFilter`). `configure` runs after the import and before activation (a
 * bundled page tells the backend where its `.wasm` binaries went); `activate` makes it the
 * backend, by default the stock `tf.setBackend('wasm')`.
 */
export function wasmBackend(
  configure?: (wasm: WasmBackendModule) => void,
  activate: () => Promise<boolean> = () => tf.setBackend('wasm'),
): BackendCandidate {
  return {
    name: 'wasm',
    backend: 'wasm',
    device: 'cpu',
    backendPackage: '@tensorflow/tfjs-backend-wasm',
    load: async () => {
      // Imported before `configure?.()`: an optional call would skip evaluating its argument.
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      configure?.(wasm);
      registerWasmTrainingKernels();
      return activate();
    },
  };
}

/**
 * The wasm candidate on tfjs-backend-wasm's threaded SIMD build with `threads` threads
 * (`setWasmThreads`: in Node it starts in worker_threads; in a cross-origin-isolated page it
 * starts from `files`, the bundled glue and binary), training kernels included.
 */
export function threadedWasmBackend(
  threads: number,
  configure?: (wasm: WasmBackendModule) => void,
  files?: WasmThreadsFiles,
): BackendCandidate {
  return wasmBackend(configure, async () => {
    await setWasmThreads(threads, files);
    return true;
  });
}

/** tfjs's pure-JavaScript backend: always there, slowest. */
export const CPU_BACKEND: BackendCandidate = {
  name: 'cpu',
  backend: 'cpu',
  device: 'cpu',
  backendPackage: '@tensorflow/tfjs-backend-cpu',
  load: () => tf.setBackend('cpu'),
};
