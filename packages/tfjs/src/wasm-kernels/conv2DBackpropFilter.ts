// Conv2DBackpropFilter on wasm: a wasm SIMD module for few taps, else im2col + XNNPACK GEMM (NHWC) or a forward XNNPACK conv.
import {
  BatchMatMul,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  getKernel,
  PadV2,
  type TensorInfo,
  Transpose,
} from '@tensorflow/tfjs-core';
import {
  conv2DFn,
  convInfo,
  heapId,
  heapOffset,
  runWasmKernel,
  WASM,
  wasmKernel,
} from './backend.ts';
import { conv2DFilterGradWasm } from './simd/conv2DFilterGrad.wasm.ts';
import { im2colTWasm } from './simd/im2colT.wasm.ts';
import { simdExports } from './simdModule.ts';

/**
 * Up to this many filter taps times input channels (FH*FW*Cin), NHWC filter gradients run in
 * simd/conv2DFilterGrad.wat; above it, XNNPACK's GEMM is worth packing dy for. Measured at
 * batch 64, 3x3 filters (loaded machine): FH*FW*Cin = 9 (the baseline CNN's first layer) 5x
 * faster in the SIMD module, 36 2x faster, 144 (its second layer) 1.6x slower.
 */
const SIMD_MAX_TAPS = 48;

/**
 * Largest im2col matrix (bytes) the GEMM route builds; beyond it the forward-conv route, which
 * needs no copy of the input per tap, runs instead. 256 MB: a batch of 64 at 56x56x64, 3x3.
 */
const IM2COL_MAX_BYTES = 256 * 1024 * 1024;

/**
 * dW of `conv2d(x, W)`: x [N,H,W,Cin] (or NCHW), dy [N,OH,OW,Cout] -> [FH,FW,Cin,Cout].
 *
 * The filter gradient is itself a forward convolution, which the wasm binary runs fast (XNNPACK):
 * dW[i,j,c,o] = sum over n,y,x of xpad[n, y*sh + i, x*sw + j, c] * dy[n,y,x,o], i.e. a conv of
 * A[c, r, q, n] = xpad[n, r, q, c] (batch Cin, channels N) with the "filter"
 * B[y, x, n, o] = dy[n, y, x, o], dilated by the strides, stride 1, no padding: its output
 * [Cin, FH', FW', Cout] (FH' >= FH: the input is padded, never cropped) holds dW transposed. A
 * and B are made by the wasm binary's own PadV2 and Transpose kernels (they were JS loops over the
 * heap, as slow as the convolution itself); the last step copies FH*FW*Cin runs of Cout floats.
 *
 * XNNPACK packs its "filter" (all of dy) anew on every call, which dominates when the filter
 * gradient itself is small: there (see {@link SIMD_MAX_TAPS}) a direct f32x4 loop over the padded
 * input and dy in simd/conv2DFilterGrad.wat is faster. And for NHWC, a 14x14 "filter" over a 3x3
 * output is a poor shape for XNNPACK's convolution (about twice the time of the same multiply as
 * a matrix product, measured at the baseline CNN's second layer), so there the padded input is
 * laid out as im2col rows (simd/im2colT.wat: [FH*FW*Cin, N*OH*OW], after the binary's Transpose
 * to channel-major) and dW = im2colᵀ · dy is one plain BatchMatMul, which the binary runs in
 * XNNPACK's GEMM; dy [N,OH,OW,Cout] is already the [N*OH*OW, Cout] matrix it needs.
 *
 * Why not the wasm binary's own Conv3DBackpropFilterV2 on depth-1 views: it is a naive loop (about
 * 15x slower than this on the baseline CNN) and, in tfjs-backend-wasm 4.22, wrong for strides > 1
 * (only the first filter row/column matches the cpu kernel).
 */
export const conv2DBackpropFilterWasm = wasmKernel<Conv2DBackpropFilterAttrs>(
  Conv2DBackpropFilter,
  ['x', 'dy'],
  ({ backend: wasmBackend, inputs: [x, dy], attrs }) => {
    const { dataFormat, filterShape } = attrs;
    const channelsFirst = dataFormat === 'NCHW';
    const info = convInfo(x.shape, filterShape, attrs, false, channelsFirst);
    const { batchSize: n, inHeight, inWidth, inChannels: cin, outChannels: cout } = info;
    const { outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
    const dyShape = channelsFirst ? [n, cout, outHeight, outWidth] : [n, outHeight, outWidth, cout];
    if (dy.shape.some((d, k) => d !== dyShape[k])) {
      throw new Error(
        `${Conv2DBackpropFilter}: dy shape [${dy.shape}] does not match the convolution's output [${dyShape}]`,
      );
    }
    // Rows/columns of the padded input that some filter tap reads; the input is padded to at
    // least that (the padding the forward conv used, or more where it read past the input), and
    // rows/columns past it only add output taps that are dropped below.
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const bottom = Math.max(0, (outHeight - 1) * strideHeight + filterHeight - top - inHeight);
    const right = Math.max(0, (outWidth - 1) * strideWidth + filterWidth - left - inWidth);
    const aHeight = top + inHeight + bottom;
    const aWidth = left + inWidth + right;
    const rawHeight = aHeight - (outHeight - 1) * strideHeight;
    const rawWidth = aWidth - (outWidth - 1) * strideWidth;
    const [hAxis, wAxis] = channelsFirst ? [2, 3] : [1, 2];
    const paddings = [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ];
    paddings[hAxis] = [top, bottom];
    paddings[wAxis] = [left, right];
    // The layout changes run in the wasm binary's own PadV2 and Transpose kernels.
    const scratch: TensorInfo[] = [];
    const keep = (t: TensorInfo | undefined): TensorInfo => {
      if (t === undefined) throw new Error(`${Conv2DBackpropFilter} on wasm needs PadV2/Transpose`);
      scratch.push(t);
      return t;
    };
    let dw: TensorInfo | undefined;
    try {
      const padded =
        top + bottom + left + right === 0
          ? x
          : keep(runWasmKernel(wasmBackend, PadV2, { x }, { paddings, constantValue: 0 }));
      const simd = simdExports(wasmBackend, conv2DFilterGradWasm);
      if (
        simd !== undefined &&
        !channelsFirst &&
        cout % 4 === 0 &&
        filterHeight * filterWidth * cin <= SIMD_MAX_TAPS
      ) {
        dw = wasmBackend.makeOutput([...filterShape], 'float32');
        (simd.conv2DFilterGrad as (...args: number[]) => void)(
          heapOffset(wasmBackend, padded),
          heapOffset(wasmBackend, dy),
          heapOffset(wasmBackend, dw),
          n,
          aHeight,
          aWidth,
          cin,
          outHeight,
          outWidth,
          cout,
          filterHeight,
          filterWidth,
          strideHeight,
          strideWidth,
        );
        return dw;
      }
      const transpose = (t: TensorInfo, perm: number[]) =>
        keep(runWasmKernel(wasmBackend, Transpose, { x: t }, { perm }));
      const taps = filterHeight * filterWidth * cin;
      const columns = n * outHeight * outWidth;
      const im2col = simdExports(wasmBackend, im2colTWasm);
      const matMul = getKernel(BatchMatMul, WASM);
      if (
        im2col !== undefined &&
        matMul !== undefined &&
        !channelsFirst &&
        taps * columns * 4 <= IM2COL_MAX_BYTES
      ) {
        const channelMajor = transpose(padded, [3, 0, 1, 2]);
        const rows = keep(wasmBackend.makeOutput([1, taps, columns], 'float32'));
        (im2col.im2colT as (...args: number[]) => void)(
          heapOffset(wasmBackend, channelMajor),
          heapOffset(wasmBackend, rows),
          cin,
          n,
          aHeight,
          aWidth,
          outHeight,
          outWidth,
          filterHeight,
          filterWidth,
          strideHeight,
          strideWidth,
        );
        // dy as the [1, N*OH*OW, Cout] matrix it already is: same data, another shape.
        const dyMatrix: TensorInfo = {
          dataId: dy.dataId,
          shape: [1, columns, cout],
          dtype: 'float32',
        };
        const product = matMul.kernelFunc({
          inputs: { a: rows, b: dyMatrix },
          backend: wasmBackend as never,
          attrs: { transposeA: false, transposeB: false } as never,
        }) as TensorInfo;
        // [1, FH*FW*Cin, Cout] is dW's layout: hand the same data back under the filter's shape.
        return { dataId: product.dataId, shape: [...filterShape], dtype: 'float32' };
      }
      // A[c, r, q, n] and B[y, x, n, o], from either layout.
      const a = transpose(padded, channelsFirst ? [1, 2, 3, 0] : [3, 1, 2, 0]);
      const b = transpose(dy, channelsFirst ? [2, 3, 0, 1] : [1, 2, 0, 3]);
      const raw = keep(wasmBackend.makeOutput([cin, rawHeight, rawWidth, cout], 'float32'));
      dw = wasmBackend.makeOutput([...filterShape], 'float32');
      conv2DFn(wasmBackend)(
        heapId(wasmBackend, a),
        cin, // batch
        aHeight,
        aWidth,
        heapId(wasmBackend, b),
        outHeight, // filter height
        outWidth, // filter width
        0, // pad top, right, bottom, left
        0,
        0,
        0,
        0, // not 'same'
        strideHeight, // dilations
        strideWidth,
        1, // strides
        1,
        n, // input channels
        cout, // output channels
        heapId(wasmBackend, raw),
      );
      // dW[i, j, c, o] = raw[c, i, j, o] for the filter's taps: FH*FW*Cin runs of Cout floats.
      const raws = wasmBackend.typedArrayFromHeap(raw);
      const dws = wasmBackend.typedArrayFromHeap(dw);
      for (let c = 0; c < cin; ++c) {
        for (let i = 0; i < filterHeight; ++i) {
          for (let j = 0; j < filterWidth; ++j) {
            const src = ((c * rawHeight + i) * rawWidth + j) * cout;
            dws.set(raws.subarray(src, src + cout), ((i * filterWidth + j) * cin + c) * cout);
          }
        }
      }
      return dw;
    } catch (error) {
      if (dw !== undefined) wasmBackend.disposeData(dw.dataId);
      throw error;
    } finally {
      for (const t of scratch) wasmBackend.disposeData(t.dataId);
    }
  },
);
