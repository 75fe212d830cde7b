// Names that moved to @fmnist/tfjs/wasm-kernels, kept one release as @deprecated aliases.
import * as kernels from './wasm-kernels/index.ts';

/** @deprecated import `registerWasmTrainingKernels` from `@fmnist/tfjs/wasm-kernels`. */
export const registerWasmTrainingKernels: typeof kernels.registerWasmTrainingKernels =
  kernels.registerWasmTrainingKernels;
/** @deprecated import `WASM_TRAINING_KERNELS` from `@fmnist/tfjs/wasm-kernels`. */
export const WASM_TRAINING_KERNELS: typeof kernels.WASM_TRAINING_KERNELS =
  kernels.WASM_TRAINING_KERNELS;
