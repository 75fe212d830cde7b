// A faster BatchMatMul on wasm: transposed products (the dense layers' gradients) routed to XNNPACK.
import {
  type BatchMatMulAttrs,
  getKernel,
  type KernelFunc,
  type TensorInfo,
  Transpose,
  util,
} from '@tensorflow/tfjs-core';
import { fastKernels, runWasmKernel, WASM, type WasmBackendLike } from './backend.ts';

/**
 * A faster `BatchMatMul`, wrapping the wasm backend's own kernel.
 *
 * tfjs-backend-wasm 4.22 runs a product in XNNPACK only when neither side is transposed and there
 * is one batch; `transposeA` or `transposeB` (every dense layer's backward pass: dW = xᵀ·dy,
 * dx = dy·Wᵀ) falls to a naive blocked loop, about 10x slower. This transposes explicitly with the
 * backend's own `Transpose` (memory-bound, cheap next to the multiply) and hands the original a
 * plain product, which XNNPACK runs:
 * - `Aᵀ·B` as `(Aᵀ)·B`; `Aᵀ·Bᵀ` as `(B·A)ᵀ`;
 * - `A·Bᵀ` as `A·(Bᵀ)`, or as `(B·Aᵀ)ᵀ` when A has fewer rows than B (XNNPACK repacks its right
 *   operand on every call, so the smaller one goes there).
 * Batched products (more than one matrix on either side) and non-float32 inputs go to the original.
 */
export function fastBatchMatMul(original: KernelFunc): KernelFunc {
  const kernel: KernelFunc = (args) => {
    const { inputs, backend } = args;
    const attrs = args.attrs as unknown as BatchMatMulAttrs;
    const { transposeA, transposeB } = attrs;
    const a = inputs.a as TensorInfo;
    const b = inputs.b as TensorInfo;
    if (
      (!transposeA && !transposeB) ||
      a.dtype !== 'float32' ||
      b.dtype !== 'float32' ||
      util.sizeFromShape(a.shape.slice(0, -2)) !== 1 ||
      util.sizeFromShape(b.shape.slice(0, -2)) !== 1
    ) {
      return original(args);
    }
    const wasmBackend = backend as unknown as WasmBackendLike;
    if (getKernel(Transpose, WASM) === undefined) return original(args);
    const scratch: TensorInfo[] = [];
    const keep = (t: TensorInfo): TensorInfo => {
      scratch.push(t);
      return t;
    };
    const transposed = (t: TensorInfo): TensorInfo => {
      const rank = t.shape.length;
      const perm = [...t.shape.keys()];
      [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
      return runWasmKernel(wasmBackend, Transpose, { x: t }, { perm }) as TensorInfo;
    };
    const plain = (left: TensorInfo, right: TensorInfo): TensorInfo =>
      original({
        inputs: { a: left, b: right },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false } as never,
      }) as TensorInfo;
    try {
      if (transposeA && transposeB) return transposed(keep(plain(b, a)));
      if (transposeA) return plain(keep(transposed(a)), b);
      const rowsA = a.shape[a.shape.length - 2];
      const rowsB = b.shape[b.shape.length - 2];
      if (rowsA < rowsB) return transposed(keep(plain(b, keep(transposed(a)))));
      return plain(a, keep(transposed(b)));
    } finally {
      for (const t of scratch) wasmBackend.disposeData(t.dataId);
    }
  };
  fastKernels.add(kernel);
  return kernel;
}
