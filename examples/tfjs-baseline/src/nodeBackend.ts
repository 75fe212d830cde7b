// The Node backends of the tfjs baseline: tfjs-node(-gpu) when installed, else wasm, else cpu.
import * as tf from '@tensorflow/tfjs';
import { type BackendCandidate, type BackendChoice, chooseBackend } from './backendChoice.ts';
import { CPU_BACKEND, threadedWasmBackend, wasmBackend } from './sharedBackends.ts';

/**
 * Imports a package that is deliberately not a dependency (tfjs-node, tfjs-node-gpu: native
 * builds that download libtensorflow on install). A variable specifier keeps TypeScript and
 * bundlers from resolving it; a missing package is just "not available".
 */
async function optionalImport(name: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ name);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return false;
    throw error;
  }
}

/** Node preference order: native TensorFlow (GPU, then CPU), then wasm, then the pure-JS cpu backend. */
export const NODE_BACKENDS: readonly BackendCandidate[] = [
  {
    name: 'tensorflow-gpu',
    backend: 'tensorflow',
    device: 'gpu',
    backendPackage: '@tensorflow/tfjs-node-gpu',
    load: async () =>
      (await optionalImport('@tensorflow/tfjs-node-gpu')) && (await tf.setBackend('tensorflow')),
  },
  {
    name: 'tensorflow',
    backend: 'tensorflow',
    device: 'cpu',
    backendPackage: '@tensorflow/tfjs-node',
    load: async () =>
      (await optionalImport('@tensorflow/tfjs-node')) && (await tf.setBackend('tensorflow')),
  },
  wasmBackend(),
  CPU_BACKEND,
];

/** A {@link BackendChoice} with the thread count the backend computes with. */
export interface NodeBackendChoice extends BackendChoice {
  /**
   * Threads the backend computes with: wasm's `getThreadsCount()` (1 on the stock build), 1 on
   * cpu (plain JavaScript); absent for tfjs-node, whose libtensorflow sizes its own pools.
   */
  threads?: number;
}

/**
 * Picks and activates the Node backend: the native one when the user has installed tfjs-node(-gpu),
 * else wasm (with `@fmnist/tfjs`'s training kernels), else cpu; and says how many threads it runs.
 * `forced` (`--backend`) allows only that one: `tensorflow-gpu`, `tensorflow`, `wasm` or `cpu`.
 * `wasmThreads` (`--threads`, 1 to 8) runs wasm on its threaded SIMD build with that many
 * threads; without it wasm is the stock single-threaded SIMD build. It applies only when wasm is
 * the backend chosen.
 */
export async function selectNodeBackend(
  forced?: string,
  wasmThreads?: number,
): Promise<NodeBackendChoice> {
  const candidates =
    wasmThreads === undefined
      ? NODE_BACKENDS
      : NODE_BACKENDS.map((c) => (c.name === 'wasm' ? threadedWasmBackend(wasmThreads) : c));
  const choice = await chooseBackend(candidates, forced);
  await tf.ready();
  if (choice.backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    return { ...choice, threads: wasm.getThreadsCount() };
  }
  return choice.backend === 'cpu' ? { ...choice, threads: 1 } : choice;
}
