// A faster MaxPoolGrad on wasm: the backend's naive C++ loop replaced by a wasm SIMD module.
import {
  backend_util,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { fastKernels, heapOffset, type WasmBackendLike, windowArgs } from './backend.ts';
import { maxPoolGradWasm } from './simd/maxPoolGrad.wasm.ts';
import { simdExports } from './simdModule.ts';

type MaxPoolGradFn = (...args: number[]) => void;

/**
 * A faster `MaxPoolGrad`, wrapping the wasm backend's own kernel.
 *
 * tfjs-backend-wasm 4.22 computes dx with a naive loop that rescans every window for every input
 * pixel (about 25x slower than the forward max-pool on the baseline CNN). This runs
 * simd/maxPoolGrad.wat instead: one scan per window, four channels per f32x4, directly on the
 * backend's heap, and gives exactly the cpu backend's answer (the gradient goes to the first
 * maximum of each window; overlapping windows add). Where the windows tile the input exactly (a
 * 2x2 stride-2 pool on even sizes, as in the baseline CNN) dx is written once instead of zeroed
 * and added into (1.6-1.8 -> 1.4-1.6 ms at `[64,28,28,16]`). Any pool size, stride and padding;
 * non-float32 inputs, or an engine without wasm SIMD, go to the original kernel unchanged. (That original is
 * also wrong, measured against the cpu backend: 2x2 stride 2 sends gradients to the wrong pixels
 * with 4 channels or more, with 'same' padding on odd sizes, and after a convolution.)
 */
export function fastMaxPoolGrad(original: KernelFunc): KernelFunc {
  const kernel: KernelFunc = (args) => {
    const { inputs, backend } = args;
    const dy = inputs.dy as TensorInfo;
    const x = inputs.input as TensorInfo;
    const wasmBackend = backend as unknown as WasmBackendLike;
    const exports = simdExports(wasmBackend, maxPoolGradWasm);
    if (exports === undefined || dy.dtype !== 'float32' || x.dtype !== 'float32') {
      return original(args);
    }
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as MaxPoolGradAttrs;
    const info = backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    if (info.outShape.some((d, k) => d !== dy.shape[k])) return original(args);
    const dx = wasmBackend.makeOutput([...x.shape], 'float32');
    (exports.maxPoolGrad as MaxPoolGradFn)(
      heapOffset(wasmBackend, x),
      heapOffset(wasmBackend, dy),
      heapOffset(wasmBackend, dx),
      info.batchSize,
      info.inHeight,
      info.inWidth,
      info.inChannels,
      ...windowArgs(info),
      info.padInfo.top,
      info.padInfo.left,
      tiles(info) ? 1 : 0,
    );
    return dx;
  };
  fastKernels.add(kernel);
  return kernel;
}

/** Whether the pool's windows cover the input exactly once, unpadded, four channels at a time. */
function tiles(info: backend_util.Conv2DInfo): boolean {
  return (
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    info.strideHeight === info.filterHeight &&
    info.strideWidth === info.filterWidth &&
    info.outHeight * info.filterHeight === info.inHeight &&
    info.outWidth * info.filterWidth === info.inWidth &&
    info.inChannels % 4 === 0
  );
}
