// A faster Conv2DBackpropInput on wasm: stride-1 NHWC dx as a forward XNNPACK convolution.
import type { Conv2DBackpropInputAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { conv2DFn, convInfo, fastKernels, heapId, type WasmBackendLike } from './backend.ts';

/**
 * A faster `Conv2DBackpropInput` for the common case, wrapping the wasm backend's own kernel.
 *
 * tfjs-backend-wasm 4.22 computes dx with a naive loop (about 5x slower than the forward
 * convolution of the same size on the baseline CNN). For stride 1, NHWC, dx is a forward
 * convolution of dy with the filter rotated by 180 degrees and its channel axes swapped
 * ("full" padding: filter size - 1 - the forward padding on each side), which this runs in the
 * wasm binary's XNNPACK `Conv2D`. Strides above 1, NCHW and paddings wider than the filter go to
 * the original kernel unchanged.
 */
export function fastConv2DBackpropInput(original: KernelFunc): KernelFunc {
  const kernel: KernelFunc = (args) => {
    const { inputs, backend } = args;
    const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
    const { dataFormat, inputShape } = attrs;
    const dy = inputs.dy as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    if (dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
      return original(args);
    }
    const info = convInfo(inputShape, filter.shape, attrs);
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
    const { filterHeight: fh, filterWidth: fw } = info;
    const top = fh - 1 - info.padInfo.top;
    const left = fw - 1 - info.padInfo.left;
    const bottom = inHeight - outHeight - top + fh - 1;
    const right = inWidth - outWidth - left + fw - 1;
    if (
      info.strideHeight !== 1 ||
      info.strideWidth !== 1 ||
      Math.min(top, left, bottom, right) < 0 ||
      dy.shape[1] !== outHeight ||
      dy.shape[2] !== outWidth
    ) {
      return original(args);
    }
    const wasmBackend = backend as unknown as WasmBackendLike;
    const rotated = wasmBackend.makeOutput([fh, fw, outChannels, inChannels], 'float32');
    const dx = wasmBackend.makeOutput([...info.inShape], 'float32');
    try {
      const w = wasmBackend.typedArrayFromHeap(filter);
      const r = wasmBackend.typedArrayFromHeap(rotated);
      // rotated[i, j, o, c] = filter[fh-1-i, fw-1-j, c, o]
      for (let i = 0; i < fh; ++i) {
        for (let j = 0; j < fw; ++j) {
          const src = ((fh - 1 - i) * fw + (fw - 1 - j)) * inChannels * outChannels;
          const dst = (i * fw + j) * outChannels * inChannels;
          for (let c = 0; c < inChannels; ++c) {
            for (let o = 0; o < outChannels; ++o) {
              r[dst + o * inChannels + c] = w[src + c * outChannels + o];
            }
          }
        }
      }
      conv2DFn(wasmBackend)(
        heapId(wasmBackend, dy),
        batchSize,
        outHeight,
        outWidth,
        heapId(wasmBackend, rotated),
        fh,
        fw,
        top, // pad top, right, bottom, left
        right,
        bottom,
        left,
        0, // explicit padding
        1, // dilations
        1,
        1, // strides
        1,
        outChannels,
        inChannels,
        heapId(wasmBackend, dx),
      );
      return dx;
    } catch (error) {
      wasmBackend.disposeData(dx.dataId);
      throw error;
    } finally {
      wasmBackend.disposeData(rotated.dataId);
    }
  };
  fastKernels.add(kernel);
  return kernel;
}
