// The public API of @fmnist/tfjs/wasm-kernels: the gradient kernels CNN training needs on tfjs-backend-wasm.
export { fusedAdam } from './adam.ts';
export { fusedBatchNorm } from './batchNorm.ts';
export type { WasmTrainingKernelOptions } from './register.ts';
export {
  registerWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
  WASM_WRAPPED_KERNELS,
} from './register.ts';
export type { WasmThreadsFiles } from './threads.ts';
export { MAX_WASM_THREADS, setWasmThreads } from './threads.ts';
