// Conv2DBackpropFilter on wasm: the filter gradient as one forward XNNPACK convolution.
import { Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs } from '@tensorflow/tfjs-core';
import { conv2DFn, convInfo, heapId, wasmKernel } from './backend.ts';

/**
 * dW of `conv2d(x, W)`: x [N,H,W,Cin] (or NCHW), dy [N,OH,OW,Cout] -> [FH,FW,Cin,Cout].
 *
 * The filter gradient is itself a forward convolution, which the wasm binary runs fast (XNNPACK):
 * dW[i,j,c,o] = sum over n,y,x of xpad[n, y*sh + i, x*sw + j, c] * dy[n,y,x,o], i.e. a conv of
 * A[c, r, q, n] = xpad[n, r, q, c] (batch Cin, channels N) with the "filter"
 * B[y, x, n, o] = dy[n, y, x, o], dilated by the strides, stride 1, no padding: its output
 * [Cin, FH, FW, Cout] is dW transposed. A is built (padded and cropped to exactly the rows and
 * columns the filter touches) and B and the result are transposed by plain JS loops over the heap,
 * which are memory-bound and cheap next to the multiply-adds.
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
    // Rows/columns of the padded input that some filter tap reads.
    const aHeight = (outHeight - 1) * strideHeight + filterHeight;
    const aWidth = (outWidth - 1) * strideWidth + filterWidth;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    // Allocate everything before taking heap views: growing the heap detaches earlier views.
    const a = wasmBackend.makeOutput([cin, aHeight, aWidth, n], 'float32');
    const b = wasmBackend.makeOutput([outHeight, outWidth, n, cout], 'float32');
    const raw = wasmBackend.makeOutput([cin, filterHeight, filterWidth, cout], 'float32');
    const dw = wasmBackend.makeOutput([...filterShape], 'float32');
    try {
      const xs = wasmBackend.typedArrayFromHeap(x);
      const dys = wasmBackend.typedArrayFromHeap(dy);
      const as = wasmBackend.typedArrayFromHeap(a);
      const bs = wasmBackend.typedArrayFromHeap(b);
      // x strides (element offsets) for either layout.
      const [sN, sR, sC, sCh] = channelsFirst
        ? [cin * inHeight * inWidth, inWidth, 1, inHeight * inWidth]
        : [inHeight * inWidth * cin, inWidth * cin, cin, 1];
      as.fill(0);
      for (let c = 0; c < cin; ++c) {
        for (let r = 0; r < aHeight; ++r) {
          const xr = r - top;
          if (xr < 0 || xr >= inHeight) continue;
          for (let q = 0; q < aWidth; ++q) {
            const xc = q - left;
            if (xc < 0 || xc >= inWidth) continue;
            const src = xr * sR + xc * sC + c * sCh;
            const dst = ((c * aHeight + r) * aWidth + q) * n;
            for (let i = 0; i < n; ++i) as[dst + i] = xs[src + i * sN];
          }
        }
      }
      const [tN, tR, tC, tCh] = channelsFirst
        ? [cout * outHeight * outWidth, outWidth, 1, outHeight * outWidth]
        : [outHeight * outWidth * cout, outWidth * cout, cout, 1];
      for (let y = 0; y < outHeight; ++y) {
        for (let q = 0; q < outWidth; ++q) {
          for (let i = 0; i < n; ++i) {
            const src = i * tN + y * tR + q * tC;
            const dst = ((y * outWidth + q) * n + i) * cout;
            for (let o = 0; o < cout; ++o) bs[dst + o] = dys[src + o * tCh];
          }
        }
      }
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
      const raws = wasmBackend.typedArrayFromHeap(raw);
      const dws = wasmBackend.typedArrayFromHeap(dw);
      for (let c = 0; c < cin; ++c) {
        for (let i = 0; i < filterHeight; ++i) {
          for (let j = 0; j < filterWidth; ++j) {
            const src = ((c * filterHeight + i) * filterWidth + j) * cout;
            dws.set(raws.subarray(src, src + cout), ((i * filterWidth + j) * cin + c) * cout);
          }
        }
      }
      return dw;
    } catch (error) {
      wasmBackend.disposeData(dw.dataId);
      throw error;
    } finally {
      for (const t of [a, b, raw]) wasmBackend.disposeData(t.dataId);
    }
  },
);
