// A faster Tile on wasm: the output built from block copies (memcpy, then doubling copyWithin), no per-element index math.
import { type KernelFunc, type TensorInfo, type TileAttrs, util } from '@tensorflow/tfjs-core';
import { fastKernels, type WasmBackendLike } from './backend.ts';

type HeapView = Float32Array | Int32Array | Uint8Array;

/**
 * A faster `Tile`, wrapping the wasm backend's own kernel.
 *
 * tfjs-backend-wasm 4.22 computes every output element's source index in a C++ loop. tfjs-core's
 * batch-normalization gradient tiles the `[C]` inverse standard deviation to the activation's
 * whole `[N, H, W, C]` shape, so a CNN with batch normalization spends most of its step there
 * (66 of 189 ms per step measured on `cnn-small` with two batch-norm layers). Here the output is
 * assembled from copies: the input's innermost rows are copied in, and each axis's finished
 * block is repeated by doubling `copyWithin` (memmove), which touches each output byte about
 * once. Values are copied, not computed, so the result is the original's exactly. Strings and
 * empty tensors go to the original.
 */
export function fastTile(original: KernelFunc): KernelFunc {
  const kernel: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const { reps } = args.attrs as unknown as TileAttrs;
    if (x.dtype === 'string' || x.dtype === 'complex64' || util.sizeFromShape(x.shape) === 0) {
      return original(args);
    }
    const backend = args.backend as unknown as WasmBackendLike;
    const rank = x.shape.length;
    const outShape = x.shape.map((d, i) => d * reps[i]);
    const out = backend.makeOutput(outShape, x.dtype as 'float32');
    if (rank === 0) {
      (backend.typedArrayFromHeap(out) as HeapView).set(backend.typedArrayFromHeap(x));
      return out;
    }
    // Views taken after makeOutput, which may have grown (and so replaced) the heap's buffer.
    const input = backend.typedArrayFromHeap(x) as HeapView;
    const output = backend.typedArrayFromHeap(out) as HeapView;
    // Elements per step of each axis, in the input and in the output.
    const inStride = new Array<number>(rank);
    const outStride = new Array<number>(rank);
    inStride[rank - 1] = 1;
    outStride[rank - 1] = 1;
    for (let a = rank - 2; a >= 0; a--) {
      inStride[a] = inStride[a + 1] * x.shape[a + 1];
      outStride[a] = outStride[a + 1] * outShape[a + 1];
    }
    const fill = (axis: number, from: number, to: number): void => {
      if (axis === rank - 1) {
        output.set(input.subarray(from, from + x.shape[axis]), to);
      } else {
        for (let j = 0; j < x.shape[axis]; j++) {
          fill(axis + 1, from + j * inStride[axis], to + j * outStride[axis]);
        }
      }
      repeat(output, to, x.shape[axis] * outStride[axis], reps[axis]);
    };
    fill(0, 0, 0);
    return out;
  };
  fastKernels.add(kernel);
  return kernel;
}

/** Makes `times` back-to-back copies of `view[start, start + length)` there, doubling. */
function repeat(view: HeapView, start: number, length: number, times: number): void {
  const total = length * times;
  for (let done = length; done < total; done += Math.min(done, total - done)) {
    view.copyWithin(start + done, start, start + Math.min(done, total - done));
  }
}
