// A faster Sum and Mean on wasm: reductions over the leading axes (every bias gradient, batch norm's moments) as SIMD column sums, no transpose.
import {
  type KernelFunc,
  type MeanAttrs,
  type SumAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { fastKernels, heapOffset, type WasmBackendLike } from './backend.ts';
import { columnSumWasm } from './simd/columnSum.wasm.ts';
import { simdExports } from './simdModule.ts';

type ColumnSumFn = (x: number, out: number, rows: number, cols: number) => void;

/**
 * A faster `Sum`, wrapping the wasm backend's own kernel.
 *
 * tfjs-backend-wasm 4.22 sums only over the innermost axes: any other reduction first transposes
 * the whole tensor to put the reduced axes last. Every bias gradient of a training step is such a
 * sum (over batch, height and width of `[n, h, w, c]`, keeping `c`), so each one copies the
 * activation gradient through a strided transpose first (7 % of a CNN step on the baseline CNN).
 * This runs simd/columnSum.wat instead when the reduced axes are the leading ones, in order: the
 * tensor read once as a `rows x cols` matrix, four columns per f32x4, in the same order of
 * additions as the original, so the answer is the same to the bit. Everything else (innermost or
 * full reductions, non-float32, an engine without wasm SIMD) goes to the original unchanged.
 */
export function fastSum(original: KernelFunc): KernelFunc {
  return leadingColumnSums(original, false);
}

/**
 * A faster `Mean`, wrapping the wasm backend's own kernel: the same leading-axis cases as
 * {@link fastSum} (batch normalization's moments while training: the mean over batch, height and
 * width of `[n, h, w, c]`, and its variance's, 15 ms of a two-layer batch-norm CNN's step), as
 * column sums, then each divided by the count in float32, as the original's `sum / count`; the
 * same answer to the bit.
 */
export function fastMean(original: KernelFunc): KernelFunc {
  return leadingColumnSums(original, true);
}

function leadingColumnSums(original: KernelFunc, mean: boolean): KernelFunc {
  const kernel: KernelFunc = (args) => {
    const { inputs, backend } = args;
    const x = inputs.x as TensorInfo;
    const { axis, keepDims } = args.attrs as unknown as SumAttrs | MeanAttrs;
    const rank = x.shape.length;
    // Given as 0, 1, .., k-1 exactly: the original then adds in row order too (other orders of the
    // same axes are the same sum, but the original's transpose adds in that order instead).
    const axes = util.parseAxisParam(axis, x.shape);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, k) => a === k);
    const size = util.sizeFromShape(x.shape);
    if (!leading || x.dtype !== 'float32' || size === 0) return original(args);
    const wasmBackend = backend as unknown as WasmBackendLike;
    const exports = simdExports(wasmBackend, columnSumWasm);
    if (exports === undefined) return original(args);
    const kept = x.shape.slice(axes.length);
    const cols = util.sizeFromShape(kept);
    const shape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
    const out = wasmBackend.makeOutput(shape, 'float32');
    (exports.columnSum as ColumnSumFn)(
      heapOffset(wasmBackend, x),
      heapOffset(wasmBackend, out),
      size / cols,
      cols,
    );
    if (mean) {
      // A Float32Array store rounds the double quotient of two float32 values to the float32
      // quotient exactly (53 >= 2 * 24 + 2 bits: no double-rounding error).
      const values = wasmBackend.typedArrayFromHeap(out) as Float32Array;
      const count = size / cols;
      for (let c = 0; c < cols; c++) values[c] /= count;
    }
    return out;
  };
  fastKernels.add(kernel);
  return kernel;
}
