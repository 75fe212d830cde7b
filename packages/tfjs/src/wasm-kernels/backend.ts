// The wasm backend as these kernels see it, and defining a float32 kernel for it (written once for all).
import {
  backend_util,
  type Conv2DAttrs,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/**
 * The parts of tfjs-backend-wasm's `BackendWasm` these kernels use. Typed structurally so this
 * package needs no import of the (optional) wasm backend at all: registering kernels only writes
 * to tfjs-core's global kernel registry.
 */
export interface WasmBackendLike {
  wasm: {
    cwrap(name: string, returnType: null, argTypes: string[]): (...args: number[]) => void;
    /** The instance's exports (emscripten keeps them here): `memory` is the heap, unthreaded. */
    asm?: { memory?: WebAssembly.Memory };
    /** The heap, in the threaded build (created by the JS glue, shared with the workers). */
    wasmMemory?: WebAssembly.Memory;
  };
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
  /** One more tensor shares this data (the backend frees it when the last one is disposed). */
  incRef(dataId: object): void;
}

/** The wasm backend's name, as registered by `@tensorflow/tfjs-backend-wasm`. */
export const WASM = 'wasm';

/** What a kernel defined with {@link wasmKernel} receives: its float32 inputs, in order. */
export interface WasmKernelArgs<A> {
  backend: WasmBackendLike;
  inputs: TensorInfo[];
  attrs: A;
}

/**
 * A kernel config for the wasm backend: reads `inputNames` from the call, checks they are float32
 * (the heap views below are `Float32Array`s) and hands them to `run` with the typed backend.
 */
export function wasmKernel<A>(
  kernelName: string,
  inputNames: readonly string[],
  run: (args: WasmKernelArgs<A>) => TensorInfo,
): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const infos = inputNames.map((name) => inputs[name] as TensorInfo);
    for (const info of infos) {
      if (info.dtype !== 'float32') throw new Error(`${kernelName} on wasm needs float32 inputs`);
    }
    return run({
      backend: backend as unknown as WasmBackendLike,
      inputs: infos,
      attrs: attrs as unknown as A,
    });
  };
  return { kernelName, backendName: WASM, kernelFunc };
}

/** The convolution geometry for the attrs every conv gradient kernel carries. */
export function convInfo(
  inShape: readonly number[],
  filterShape: readonly number[],
  attrs: Pick<Conv2DAttrs, 'strides' | 'pad' | 'dimRoundingMode'>,
  depthwise = false,
  channelsFirst = false,
): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    channelsFirst ? 'channelsFirst' : 'channelsLast',
  );
}

/** Refuses dilations above 1, which the depthwise kernels here do not implement. */
export function assertUnitDilations(
  kernel: string,
  dilations: [number, number] | number | undefined,
): void {
  const [dh, dw] = typeof dilations === 'number' ? [dilations, dilations] : (dilations ?? [1, 1]);
  // tfjs-core's depthwise gradient rejects dilations > 1 before reaching a kernel; a direct
  // runKernel call with them would otherwise get a silently wrong answer.
  if (dh !== 1 || dw !== 1) throw new Error(`${kernel} on wasm supports dilations of 1 only`);
}

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
export function conv2DFn(backend: WasmBackendLike): WasmFn {
  let fn = conv2DFns.get(backend.wasm);
  if (fn === undefined) {
    fn = backend.wasm.cwrap('Conv2D', null, new Array(19).fill('number'));
    conv2DFns.set(backend.wasm, fn);
  }
  return fn;
}

/** The wasm heap id of a tensor on the wasm backend. */
export function heapId(backend: WasmBackendLike, info: TensorInfo): number {
  return heapData(backend, info).id;
}

/** The byte offset of a tensor's data in the wasm heap. */
export function heapOffset(backend: WasmBackendLike, info: TensorInfo): number {
  return heapData(backend, info).memoryOffset;
}

function heapData(backend: WasmBackendLike, info: TensorInfo) {
  const data = backend.dataIdMap.get(info.dataId);
  if (data === undefined) throw new Error('wasm kernel input is not on the wasm backend');
  return data;
}

/**
 * Runs another kernel registered on the wasm backend (Transpose, PadV2: the binary's own C++) on
 * tensors already there, or returns undefined when it is not registered.
 */
export function runWasmKernel(
  backend: WasmBackendLike,
  kernelName: string,
  inputs: Record<string, TensorInfo>,
  attrs: object,
): TensorInfo | undefined {
  const config = getKernel(kernelName, WASM);
  return config?.kernelFunc({ inputs, backend: backend as never, attrs: attrs as never }) as
    | TensorInfo
    | undefined;
}

/**
 * The sliding-window geometry in the order the SIMD modules take it: output height and width,
 * window height and width, strides.
 */
export function windowArgs(info: backend_util.Conv2DInfo): number[] {
  return [
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
  ];
}

/** Kernel functions made by this package's wrappers, to keep registration idempotent. */
export const fastKernels = new WeakSet<KernelFunc>();
