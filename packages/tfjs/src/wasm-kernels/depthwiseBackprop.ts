// The depthwise convolution gradients on wasm, as JS loops over the wasm heap (the binary has none).
import {
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  util,
} from '@tensorflow/tfjs-core';
import { assertUnitDilations, convInfo, wasmKernel } from './backend.ts';

/**
 * dW of `depthwiseConv2d(x, W)`: x [N,H,W,C], dy [N,OH,OW,C*M] -> [FH,FW,C,M]. The wasm binary has
 * no grouped filter gradient, so this is a JS loop over the heap views (same arithmetic as the cpu
 * backend's kernel, in a cache-friendlier order and with float64 accumulators).
 */
export const depthwiseBackpropFilterWasm = wasmKernel<DepthwiseConv2dNativeBackpropFilterAttrs>(
  DepthwiseConv2dNativeBackpropFilter,
  ['x', 'dy'],
  ({ backend: wasmBackend, inputs: [x, dy], attrs }) => {
    const { dilations, filterShape } = attrs;
    assertUnitDilations(DepthwiseConv2dNativeBackpropFilter, dilations);
    const info = convInfo(x.shape, filterShape, attrs, true);
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
    const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    // Allocate before taking heap views: growing the heap would detach them.
    const out = wasmBackend.makeOutput([...filterShape], 'float32');
    const xs = wasmBackend.typedArrayFromHeap(x);
    const dys = wasmBackend.typedArrayFromHeap(dy);
    const dws = wasmBackend.typedArrayFromHeap(out);
    const chMul = outChannels / inChannels;
    const acc = new Float64Array(outChannels);
    for (let wR = 0; wR < filterHeight; ++wR) {
      const yRMin = Math.max(0, Math.ceil((top - wR) / strideHeight));
      const yRMax = Math.min(outHeight, (inHeight + top - wR) / strideHeight);
      for (let wC = 0; wC < filterWidth; ++wC) {
        const yCMin = Math.max(0, Math.ceil((left - wC) / strideWidth));
        const yCMax = Math.min(outWidth, (inWidth + left - wC) / strideWidth);
        acc.fill(0);
        for (let b = 0; b < batchSize; ++b) {
          for (let yR = yRMin; yR < yRMax; ++yR) {
            const xR = wR + yR * strideHeight - top;
            for (let yC = yCMin; yC < yCMax; ++yC) {
              const xC = wC + yC * strideWidth - left;
              const xOff = ((b * inHeight + xR) * inWidth + xC) * inChannels;
              const dyOff = ((b * outHeight + yR) * outWidth + yC) * outChannels;
              for (let d1 = 0, d2 = 0; d1 < inChannels; ++d1) {
                const xv = xs[xOff + d1];
                for (let dm = 0; dm < chMul; ++dm, ++d2) acc[d2] += xv * dys[dyOff + d2];
              }
            }
          }
        }
        // dW[wR, wC, d1, dm] with d2 = d1 * chMul + dm: the same flat order as acc.
        dws.set(acc, (wR * filterWidth + wC) * outChannels);
      }
    }
    return out;
  },
);

/**
 * dx of `depthwiseConv2d(x, W)`: dy [N,OH,OW,C*M], W [FH,FW,C,M] -> [N,H,W,C]. A JS scatter loop
 * over the heap views into a float64 scratch buffer (the wasm binary has no such kernel).
 */
export const depthwiseBackpropInputWasm = wasmKernel<DepthwiseConv2dNativeBackpropInputAttrs>(
  DepthwiseConv2dNativeBackpropInput,
  ['dy', 'filter'],
  ({ backend: wasmBackend, inputs: [dy, filter], attrs }) => {
    const { dilations, inputShape } = attrs;
    assertUnitDilations(DepthwiseConv2dNativeBackpropInput, dilations);
    const info = convInfo(inputShape, filter.shape, attrs, true);
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
    const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const chMul = outChannels / inChannels;
    const out = wasmBackend.makeOutput([...info.inShape], 'float32');
    const dys = wasmBackend.typedArrayFromHeap(dy);
    const fs = wasmBackend.typedArrayFromHeap(filter);
    const dxs = wasmBackend.typedArrayFromHeap(out);
    const acc = new Float64Array(util.sizeFromShape(info.inShape));
    for (let b = 0; b < batchSize; ++b) {
      for (let yR = 0; yR < outHeight; ++yR) {
        for (let yC = 0; yC < outWidth; ++yC) {
          const dyOff = ((b * outHeight + yR) * outWidth + yC) * outChannels;
          for (let wR = 0; wR < filterHeight; ++wR) {
            const xR = yR * strideHeight + wR - top;
            if (xR < 0 || xR >= inHeight) continue;
            for (let wC = 0; wC < filterWidth; ++wC) {
              const xC = yC * strideWidth + wC - left;
              if (xC < 0 || xC >= inWidth) continue;
              const xOff = ((b * inHeight + xR) * inWidth + xC) * inChannels;
              const fOff = (wR * filterWidth + wC) * outChannels;
              for (let d1 = 0, d2 = 0; d1 < inChannels; ++d1) {
                let sum = 0;
                for (let dm = 0; dm < chMul; ++dm, ++d2) sum += dys[dyOff + d2] * fs[fOff + d2];
                acc[xOff + d1] += sum;
              }
            }
          }
        }
      }
    }
    dxs.set(acc);
    return out;
  },
);
