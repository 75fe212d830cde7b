import { registerWasmTrainingKernels } from '@fmnist/tfjs';
import * as tf from '@tensorflow/tfjs';

/**
 * tfjs on its wasm backend in Node (SIMD, no threads), with `@fmnist/tfjs`'s gradient kernels so
 * CNNs train. tfjs-node cannot be installed on the machines this runs on; the pure-JS cpu backend
 * takes seconds per CNN training step.
 */
export async function useTfjsWasm(): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
  registerWasmTrainingKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend did not initialize');
}
