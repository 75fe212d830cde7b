import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  registerKernel,
  type TensorInfo,
  unregisterKernel,
  util,
} from '@tensorflow/tfjs-core';

/**
 * The parts of tfjs-backend-wasm's `BackendWasm` these kernels use. Typed structurally so this
 * package needs no import of the (optional) wasm backend at all: registering kernels only writes
 * to tfjs-core's global kernel registry.
 */
interface WasmBackendLike {
  wasm: { cwrap(name: string, returnType: null, argTypes: string[]): (...args: number[]) => void };
  dataIdMap: { get(dataId: object): { id: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
}

/** The wasm backend's name, as registered by `@tensorflow/tfjs-backend-wasm`. */
const WASM = 'wasm';

/** Kernels CNN training needs that `@tensorflow/tfjs-backend-wasm` 4.x does not register. */
export const WASM_TRAINING_KERNELS: readonly string[] = [
  Conv2DBackpropFilter,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
];

type WasmFn = (...args: number[]) => void;
// One cwrap per wasm module instance: a backend re-created with a fresh module needs its own.
const conv2DFns = new WeakMap<object, WasmFn>();

/**
 * The wasm binary's exported forward `Conv2D` (XNNPACK; 19 numeric arguments, in the order
 * tfjs-backend-wasm's kernels/Conv2D.ts passes them). Taken directly rather than through the
 * registered kernel because the filter gradient needs explicit asymmetric padding and a dilation
 * on a large "filter", which the kernel's attrs can express but its NHWC-only checks and
 * `computeConv2DInfo` round trip add nothing to.
 */
function conv2DFn(backend: WasmBackendLike): WasmFn {
  let fn = conv2DFns.get(backend.wasm);
  if (fn === undefined) {
    fn = backend.wasm.cwrap('Conv2D', null, new Array(19).fill('number'));
    conv2DFns.set(backend.wasm, fn);
  }
  return fn;
}

function heapId(backend: WasmBackendLike, info: TensorInfo): number {
  const data = backend.dataIdMap.get(info.dataId);
  if (data === undefined) throw new Error('wasm kernel input is not on the wasm backend');
  return data.id;
}

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
const conv2DBackpropFilterWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasmBackend = backend as unknown as WasmBackendLike;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as Conv2DBackpropFilterAttrs;
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  assertFloat32(Conv2DBackpropFilter, x, dy);
  const channelsFirst = dataFormat === 'NCHW';
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    channelsFirst ? 'channelsFirst' : 'channelsLast',
  );
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
};

function assertFloat32(kernel: string, ...infos: TensorInfo[]) {
  for (const info of infos) {
    if (info.dtype !== 'float32') throw new Error(`${kernel} on wasm needs float32 inputs`);
  }
}

function assertUnitDilations(kernel: string, dilations: [number, number] | number | undefined) {
  const [dh, dw] = typeof dilations === 'number' ? [dilations, dilations] : (dilations ?? [1, 1]);
  // tfjs-core's depthwise gradient rejects dilations > 1 before reaching a kernel; a direct
  // runKernel call with them would otherwise get a silently wrong answer.
  if (dh !== 1 || dw !== 1) throw new Error(`${kernel} on wasm supports dilations of 1 only`);
}

/**
 * dW of `depthwiseConv2d(x, W)`: x [N,H,W,C], dy [N,OH,OW,C*M] -> [FH,FW,C,M]. The wasm binary has
 * no grouped filter gradient, so this is a JS loop over the heap views (same arithmetic as the cpu
 * backend's kernel, in a cache-friendlier order and with float64 accumulators).
 */
const depthwiseBackpropFilterWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasmBackend = backend as unknown as WasmBackendLike;
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  assertUnitDilations(DepthwiseConv2dNativeBackpropFilter, dilations);
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  assertFloat32(DepthwiseConv2dNativeBackpropFilter, x, dy);
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    true,
  );
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
};

/**
 * dx of `depthwiseConv2d(x, W)`: dy [N,OH,OW,C*M], W [FH,FW,C,M] -> [N,H,W,C]. A JS scatter loop
 * over the heap views into a float64 scratch buffer (the wasm binary has no such kernel).
 */
const depthwiseBackpropInputWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasmBackend = backend as unknown as WasmBackendLike;
  const { strides, dilations, pad, dimRoundingMode, inputShape } =
    attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  assertUnitDilations(DepthwiseConv2dNativeBackpropInput, dilations);
  const dy = inputs.dy as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  assertFloat32(DepthwiseConv2dNativeBackpropInput, dy, filter);
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    true,
  );
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
};

const CONFIGS: readonly KernelConfig[] = [
  { kernelName: Conv2DBackpropFilter, backendName: WASM, kernelFunc: conv2DBackpropFilterWasm },
  {
    kernelName: DepthwiseConv2dNativeBackpropFilter,
    backendName: WASM,
    kernelFunc: depthwiseBackpropFilterWasm,
  },
  {
    kernelName: DepthwiseConv2dNativeBackpropInput,
    backendName: WASM,
    kernelFunc: depthwiseBackpropInputWasm,
  },
];

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
function fastConv2DBackpropInput(original: KernelFunc): KernelFunc {
  const kernel: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
      attrs as unknown as Conv2DBackpropInputAttrs;
    const dy = inputs.dy as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    if (dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
      return original(args);
    }
    const info = backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
    );
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

/** Kernel functions made by {@link fastConv2DBackpropInput}, to keep registration idempotent. */
const fastKernels = new WeakSet<KernelFunc>();

/** Options of {@link registerWasmTrainingKernels}. */
export interface WasmTrainingKernelOptions {
  /**
   * Also wrap the wasm backend's existing `Conv2DBackpropInput` with the faster XNNPACK
   * formulation for stride-1 NHWC convolutions (everything else still runs the original). Needs
   * `@tensorflow/tfjs-backend-wasm` imported first (there is nothing to wrap before). Default true.
   */
  fastConv2DBackpropInput?: boolean;
}

/**
 * Registers, on the `wasm` backend, the gradient kernels that training a CNN needs and that
 * `@tensorflow/tfjs-backend-wasm` 4.x lacks: `Conv2DBackpropFilter` (a forward convolution in the
 * wasm binary's XNNPACK) and the two depthwise backprop kernels (JS loops over the wasm heap);
 * and, unless disabled, speeds up its existing `Conv2DBackpropInput` (see
 * {@link WasmTrainingKernelOptions}).
 *
 * Idempotent: a kernel already registered for `wasm` (by an earlier call, by the user, or by a
 * future wasm backend that ships it) is left alone, and `Conv2DBackpropInput` is wrapped once.
 * Call it after importing `@tensorflow/tfjs-backend-wasm`, before or after `tf.setBackend('wasm')`.
 *
 * @returns the kernel names this call registered or wrapped (empty when all were in place).
 */
export function registerWasmTrainingKernels(options: WasmTrainingKernelOptions = {}): string[] {
  const registered: string[] = [];
  for (const config of CONFIGS) {
    if (getKernel(config.kernelName, WASM) !== undefined) continue;
    registerKernel(config);
    registered.push(config.kernelName);
  }
  const original = getKernel(Conv2DBackpropInput, WASM);
  if (
    (options.fastConv2DBackpropInput ?? true) &&
    original &&
    !fastKernels.has(original.kernelFunc)
  ) {
    unregisterKernel(Conv2DBackpropInput, WASM);
    registerKernel({ ...original, kernelFunc: fastConv2DBackpropInput(original.kernelFunc) });
    registered.push(Conv2DBackpropInput);
  }
  return registered;
}
