// Registering the training kernels on the wasm backend, idempotently.
import {
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  getKernel,
  type KernelConfig,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { WASM } from './backend.ts';
import { conv2DBackpropFilterWasm } from './conv2DBackpropFilter.ts';
import { fastConv2DBackpropInput, fastKernels } from './conv2DBackpropInput.ts';
import { depthwiseBackpropFilterWasm, depthwiseBackpropInputWasm } from './depthwiseBackprop.ts';

/** Kernels CNN training needs that `@tensorflow/tfjs-backend-wasm` 4.x does not register. */
export const WASM_TRAINING_KERNELS: readonly string[] = [
  Conv2DBackpropFilter,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
];

const CONFIGS: readonly KernelConfig[] = [
  conv2DBackpropFilterWasm,
  depthwiseBackpropFilterWasm,
  depthwiseBackpropInputWasm,
];

/** Options of {@link registerWasmTrainingKernels}. */
export interface WasmTrainingKernelOptions {
  /**
   * Also wrap the wasm backend's existing `Conv2DBackpropInput` with the faster XNNPACK
   * formulation for stride-1 NHWC convolutions (everything else still runs the original). Needs
   * `@tensorflow/tfjs-backend-wasm` imported first (there is nothing to wrap before). Default true.
   */
  fastConv2DBackpropInput?: boolean;
}

/**
 * Registers, on the `wasm` backend, the gradient kernels that training a CNN needs and that
 * `@tensorflow/tfjs-backend-wasm` 4.x lacks: `Conv2DBackpropFilter` (a forward convolution in the
 * wasm binary's XNNPACK) and the two depthwise backprop kernels (JS loops over the wasm heap);
 * and, unless disabled, speeds up its existing `Conv2DBackpropInput` (see
 * {@link WasmTrainingKernelOptions}).
 *
 * Idempotent: a kernel already registered for `wasm` (by an earlier call, by the user, or by a
 * future wasm backend that ships it) is left alone, and `Conv2DBackpropInput` is wrapped once.
 * Call it after importing `@tensorflow/tfjs-backend-wasm`, before or after `tf.setBackend('wasm')`.
 *
 * @returns the kernel names this call registered or wrapped (empty when all were in place).
 */
export function registerWasmTrainingKernels(options: WasmTrainingKernelOptions = {}): string[] {
  const registered: string[] = [];
  for (const config of CONFIGS) {
    if (getKernel(config.kernelName, WASM) !== undefined) continue;
    registerKernel(config);
    registered.push(config.kernelName);
  }
  const original = getKernel(Conv2DBackpropInput, WASM);
  if (
    (options.fastConv2DBackpropInput ?? true) &&
    original &&
    !fastKernels.has(original.kernelFunc)
  ) {
    unregisterKernel(Conv2DBackpropInput, WASM);
    registerKernel({ ...original, kernelFunc: fastConv2DBackpropInput(original.kernelFunc) });
    registered.push(Conv2DBackpropInput);
  }
  return registered;
}
