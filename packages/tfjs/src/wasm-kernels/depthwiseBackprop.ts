// The depthwise convolution gradients on wasm (the binary has none): a wasm SIMD module, or JS loops.
import {
  type backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  PadV2,
  type TensorInfo,
  Tile,
  util,
} from '@tensorflow/tfjs-core';
import {
  assertUnitDilations,
  convInfo,
  heapOffset,
  runWasmKernel,
  type WasmBackendLike,
  wasmKernel,
  windowArgs,
} from './backend.ts';
import { depthwiseBackpropWasm } from './simd/depthwiseBackprop.wasm.ts';
import { simdExports } from './simdModule.ts';

type SimdFn = (...args: number[]) => void;

/** The input padded to cover every tap (never cropped): the pads and the padded height, width. */
function paddedExtent(info: backend_util.Conv2DInfo) {
  const { outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const bottom = Math.max(0, (outHeight - 1) * strideHeight + filterHeight - top - info.inHeight);
  const right = Math.max(0, (outWidth - 1) * strideWidth + filterWidth - left - info.inWidth);
  return {
    top,
    left,
    bottom,
    right,
    hp: top + info.inHeight + bottom,
    wp: left + info.inWidth + right,
  };
}

/**
 * dW in simd/depthwiseBackprop.wat: x with each channel repeated M times (the backend's Tile)
 * and padded (its PadV2), then one f32x4 product-sum per output position and tap. Undefined
 * where the engine has no wasm SIMD.
 */
function simdFilterGrad(
  backend: WasmBackendLike,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  filterShape: number[],
): TensorInfo | undefined {
  const simd = simdExports(backend, depthwiseBackpropWasm);
  if (simd === undefined) return undefined;
  const { batchSize: n, inHeight, inWidth, inChannels, outChannels } = info;
  const { top, left, bottom, right, hp, wp } = paddedExtent(info);
  const scratch: TensorInfo[] = [];
  try {
    let expanded = x;
    if (outChannels !== inChannels) {
      const tiled = runWasmKernel(
        backend,
        Tile,
        { x: { ...x, shape: [n, inHeight, inWidth, inChannels, 1] } },
        { reps: [1, 1, 1, 1, outChannels / inChannels] },
      ) as TensorInfo;
      scratch.push(tiled);
      expanded = { ...tiled, shape: [n, inHeight, inWidth, outChannels] };
    }
    let padded = expanded;
    if (top + bottom + left + right > 0) {
      const paddings = [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ];
      padded = runWasmKernel(backend, PadV2, { x: expanded }, { paddings, constantValue: 0 })!;
      scratch.push(padded);
    }
    const dw = backend.makeOutput(filterShape, 'float32');
    (simd.filterGrad as SimdFn)(
      heapOffset(backend, padded),
      heapOffset(backend, dy),
      heapOffset(backend, dw),
      n,
      hp,
      wp,
      outChannels,
      ...windowArgs(info),
    );
    return dw;
  } finally {
    for (const t of scratch) backend.disposeData(t.dataId);
  }
}

/**
 * dx in simd/depthwiseBackprop.wat: dy times the filter scattered into a padded scratch in the
 * expanded channel space, then folded (sum over the multiplier) and cropped into dx. Undefined
 * where the engine has no wasm SIMD.
 */
function simdInputGrad(
  backend: WasmBackendLike,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo | undefined {
  const simd = simdExports(backend, depthwiseBackpropWasm);
  if (simd === undefined) return undefined;
  const { batchSize: n, inHeight, inWidth, inChannels, outChannels } = info;
  const { top, left, hp, wp } = paddedExtent(info);
  const wide = backend.makeOutput([n, hp, wp, outChannels], 'float32');
  try {
    const dx = backend.makeOutput([...info.inShape], 'float32');
    const [dyAt, wideAt] = [heapOffset(backend, dy), heapOffset(backend, wide)];
    (simd.inputGrad as SimdFn)(
      dyAt,
      heapOffset(backend, filter),
      wideAt,
      n,
      hp,
      wp,
      outChannels,
      ...windowArgs(info),
    );
    (simd.cropSum as SimdFn)(
      wideAt,
      heapOffset(backend, dx),
      n,
      hp,
      wp,
      inChannels,
      outChannels / inChannels,
      top,
      left,
      inHeight,
      inWidth,
    );
    return dx;
  } finally {
    backend.disposeData(wide.dataId);
  }
}

/**
 * dW of `depthwiseConv2d(x, W)`: x [N,H,W,C], dy [N,OH,OW,C*M] -> [FH,FW,C,M]. The wasm binary has
 * no grouped filter gradient: this runs the wasm SIMD module, or where the engine lacks wasm SIMD
 * a JS loop over the heap views (same arithmetic as the cpu backend's kernel, in a
 * cache-friendlier order and with float64 accumulators).
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
    const simd = simdFilterGrad(wasmBackend, x, dy, info, [...filterShape]);
    if (simd !== undefined) return simd;
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
 * dx of `depthwiseConv2d(x, W)`: dy [N,OH,OW,C*M], W [FH,FW,C,M] -> [N,H,W,C] (the wasm binary has
 * no such kernel): the wasm SIMD module, or without wasm SIMD a JS scatter loop over the heap
 * views into a float64 scratch buffer.
 */
export const depthwiseBackpropInputWasm = wasmKernel<DepthwiseConv2dNativeBackpropInputAttrs>(
  DepthwiseConv2dNativeBackpropInput,
  ['dy', 'filter'],
  ({ backend: wasmBackend, inputs: [dy, filter], attrs }) => {
    const { dilations, inputShape } = attrs;
    assertUnitDilations(DepthwiseConv2dNativeBackpropInput, dilations);
    const info = convInfo(inputShape, filter.shape, attrs, true);
    const simd = simdInputGrad(wasmBackend, dy, filter, info);
    if (simd !== undefined) return simd;
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
