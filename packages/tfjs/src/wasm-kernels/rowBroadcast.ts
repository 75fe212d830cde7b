// A faster broadcasting Add, Multiply and Sub on wasm: a tensor and one row repeated down it (every bias add) as SIMD loops.
import { type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { fastKernels, heapOffset, type WasmBackendLike } from './backend.ts';
import { rowBroadcastWasm } from './simd/rowBroadcast.wasm.ts';
import { simdExports } from './simdModule.ts';

type RowFn = (a: number, b: number, out: number, rows: number, cols: number) => void;

/** Below this many columns (a scalar included) the f32x4 loop does not pay; the original runs. */
const MIN_COLS = 4;

/**
 * A faster `Add` (`'addRow'`), `Multiply` (`'mulRow'`) or `Sub` (`'subRow'`), wrapping the wasm
 * backend's own kernel.
 *
 * tfjs-backend-wasm 4.22 computes a broadcast's source index for every output element, which makes
 * `[N, H, W, C] + [C]` 2-3x slower than adding two tensors of the same shape: every
 * convolution's bias in training (tfjs-core does not fuse the bias while recording gradients when
 * the layer has an activation) and batch normalization's centering and scale. This takes the
 * cases where one side's shape (leading 1s dropped) is the other's trailing axes: the larger side
 * is read as a `rows x cols` matrix and the smaller one combined with every row, in
 * simd/rowBroadcast.wat. One float32 operation per element, as in the original, so the result is
 * the same to the bit. `Sub` does not commute: it takes only `full - row`. Other broadcasts, equal
 * shapes, short rows (fewer than 4 columns), non-float32 inputs and an engine without wasm SIMD go
 * to the original unchanged.
 */
export function fastRowBroadcast(
  op: 'addRow' | 'mulRow' | 'subRow',
): (original: KernelFunc) => KernelFunc {
  return (original) => {
    const kernel: KernelFunc = (args) => {
      const a = args.inputs.a as TensorInfo;
      const b = args.inputs.b as TensorInfo;
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return original(args);
      // Add and Multiply commute, so the side the output's shape is can always be the matrix.
      const sizeA = util.sizeFromShape(a.shape);
      const sizeB = util.sizeFromShape(b.shape);
      const aIsFull = sizeA !== sizeB ? sizeA > sizeB : a.shape.length >= b.shape.length;
      const [full, row] = aIsFull ? [a, b] : [b, a];
      const rowShape = dropLeadingOnes(row.shape);
      const cols = util.sizeFromShape(rowShape);
      const size = Math.max(sizeA, sizeB);
      if (
        rowShape.length >= full.shape.length ||
        rowShape.some((d, k) => d !== full.shape[full.shape.length - rowShape.length + k]) ||
        row.shape.length > full.shape.length ||
        cols < MIN_COLS ||
        (op === 'subRow' && !aIsFull) ||
        size === 0
      ) {
        return original(args);
      }
      const backend = args.backend as unknown as WasmBackendLike;
      const exports = simdExports(backend, rowBroadcastWasm);
      if (exports === undefined) return original(args);
      const out = backend.makeOutput([...full.shape], 'float32');
      (exports[op] as RowFn)(
        heapOffset(backend, full),
        heapOffset(backend, row),
        heapOffset(backend, out),
        size / cols,
        cols,
      );
      return out;
    };
    fastKernels.add(kernel);
    return kernel;
  };
}

function dropLeadingOnes(shape: readonly number[]): number[] {
  let start = 0;
  while (start < shape.length && shape[start] === 1) start++;
  return shape.slice(start);
}
