// Registering the training kernels on the wasm backend, idempotently.
import {
  Add,
  BatchMatMul,
  Cast,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  getKernel,
  Identity,
  type KernelConfig,
  type KernelFunc,
  MaxPoolGrad,
  Mean,
  Multiply,
  registerKernel,
  Sub,
  Sum,
  Tile,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { fastKernels, WASM } from './backend.ts';
import { fastBatchMatMul } from './batchMatMul.ts';
import { conv2DBackpropFilterWasm } from './conv2DBackpropFilter.ts';
import { fastConv2DBackpropInput } from './conv2DBackpropInput.ts';
import { depthwiseBackpropFilterWasm, depthwiseBackpropInputWasm } from './depthwiseBackprop.ts';
import { sharedCast, sharedIdentity } from './identity.ts';
import { fastMaxPoolGrad } from './maxPoolGrad.ts';
import { fastRowBroadcast } from './rowBroadcast.ts';
import { fastMean, fastSum } from './sum.ts';
import { fastTile } from './tile.ts';

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

/**
 * Kernels `@tensorflow/tfjs-backend-wasm` 4.x has but runs slowly (or wrongly), which
 * {@link registerWasmTrainingKernels} wraps with a faster formulation by default.
 */
export const WASM_WRAPPED_KERNELS: readonly string[] = [
  Conv2DBackpropInput,
  MaxPoolGrad,
  BatchMatMul,
  Sum,
  Identity,
  Tile,
  Add,
  Multiply,
  Sub,
  Mean,
  Cast,
];

/** Options of {@link registerWasmTrainingKernels}. */
export interface WasmTrainingKernelOptions {
  /**
   * Also wrap the wasm backend's existing `Conv2DBackpropInput` with the faster XNNPACK
   * formulation for stride-1 NHWC convolutions (everything else still runs the original). Needs
   * `@tensorflow/tfjs-backend-wasm` imported first (there is nothing to wrap before). Default true.
   */
  fastConv2DBackpropInput?: boolean;
  /**
   * Also wrap the wasm backend's `MaxPoolGrad` (a naive loop in tfjs-backend-wasm 4.x) with this
   * package's wasm SIMD kernel, which gives the cpu backend's exact answer. Falls back to the
   * original where the engine has no wasm SIMD. Default true.
   */
  fastMaxPoolGrad?: boolean;
  /**
   * Also wrap the wasm backend's `BatchMatMul` so transposed products (the dense layers'
   * gradients, a naive loop in tfjs-backend-wasm 4.x) run in its XNNPACK path after an explicit
   * transpose. Default true.
   */
  fastBatchMatMul?: boolean;
  /**
   * Also wrap the wasm backend's `Sum` so sums over the leading axes (every bias gradient), which
   * tfjs-backend-wasm 4.x transposes first, run as this package's wasm SIMD column sums; same
   * answer to the bit. Default true.
   */
  fastSum?: boolean;
  /**
   * Also wrap the wasm backend's `Identity` (`tf.clone`, which the engine runs on every tensor a
   * kernel saves for its gradient) and its `Cast` to the same dtype (every relu gradient casts a
   * float32 mask to float32) so that they share the input's data, as the cpu backend's do,
   * instead of allocating and copying it. Default true: a `cnn-small` step made 50 such copies and
   * 11 casts, and ran 9-13 % faster without them (alternating blocks of steps in one process).
   * It raises a full-split CNN epoch's peak RSS from about 335 to about 365 MB, measured; the
   * wasm heap itself is smaller (48 against 58 MB), the rest is JS-heap garbage not yet collected.
   */
  sharedIdentity?: boolean;
  /**
   * Also wrap the wasm backend's `Tile` (a per-element index loop in tfjs-backend-wasm 4.22; the
   * batch-normalization gradient tiles to the activation's whole shape) with block copies, the
   * same values. Default true.
   */
  fastTile?: boolean;
  /**
   * Also wrap the wasm backend's `Add`, `Multiply` and `Sub` so that a tensor plus (times,
   * minus) one row repeated down its leading axes (`[N, H, W, C] + [C]`: every convolution's bias
   * while training, batch normalization's centering and scale), which tfjs-backend-wasm 4.22
   * indexes element by element, runs as a wasm SIMD loop; the same bits. Default true.
   */
  fastRowBroadcast?: boolean;
  /**
   * Also wrap the wasm backend's `Mean` as `fastSum` wraps `Sum`: means over the leading axes
   * (batch normalization's moments while training) as SIMD column sums without a transpose, then
   * divided by the count; the same bits. Default true.
   */
  fastMean?: boolean;
}

// The backend's own kernels this package can wrap with a faster formulation, by option, and
// whether the option defaults to on.
const WRAPPERS: readonly [
  string,
  keyof WasmTrainingKernelOptions,
  (original: KernelFunc) => KernelFunc,
  boolean,
][] = [
  [Conv2DBackpropInput, 'fastConv2DBackpropInput', fastConv2DBackpropInput, true],
  [MaxPoolGrad, 'fastMaxPoolGrad', fastMaxPoolGrad, true],
  [BatchMatMul, 'fastBatchMatMul', fastBatchMatMul, true],
  [Sum, 'fastSum', fastSum, true],
  [Identity, 'sharedIdentity', sharedIdentity, true],
  [Cast, 'sharedIdentity', sharedCast, true],
  [Tile, 'fastTile', fastTile, true],
  [Add, 'fastRowBroadcast', fastRowBroadcast('addRow'), true],
  [Multiply, 'fastRowBroadcast', fastRowBroadcast('mulRow'), true],
  [Sub, 'fastRowBroadcast', fastRowBroadcast('subRow'), true],
  [Mean, 'fastMean', fastMean, true],
];

/**
 * Registers, on the `wasm` backend, the gradient kernels that training a CNN needs and that
 * `@tensorflow/tfjs-backend-wasm` 4.x lacks: `Conv2DBackpropFilter` (a wasm SIMD kernel per
 * tap and image for NHWC with Cout % 4 == 0, else im2col and XNNPACK's GEMM, or for NCHW a
 * forward XNNPACK convolution) and the two
 * depthwise backprop kernels (a wasm SIMD module, or JS loops over the heap without SIMD);
 * and, unless disabled, speeds up its existing `Conv2DBackpropInput`, `MaxPoolGrad`,
 * `BatchMatMul`, `Sum`, `Tile`, `Add`, `Multiply`, `Sub`, `Mean`, `Identity` and `Cast` (see
 * {@link WasmTrainingKernelOptions}).
 *
 * Idempotent: a kernel already registered for `wasm` (by an earlier call, by the user, or by a
 * future wasm backend that ships it) is left alone, and each wrapped kernel is wrapped once.
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
  for (const [kernelName, option, wrap, byDefault] of WRAPPERS) {
    const original = getKernel(kernelName, WASM);
    if (!(options[option] ?? byDefault) || !original || fastKernels.has(original.kernelFunc))
      continue;
    unregisterKernel(kernelName, WASM);
    registerKernel({ ...original, kernelFunc: wrap(original.kernelFunc) });
    registered.push(kernelName);
  }
  return registered;
}
