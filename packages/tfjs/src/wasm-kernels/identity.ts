// Identity (and Cast to the same dtype) on wasm without the copy: the output shares its input's heap data, as cpu's does.
import type { CastAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { fastKernels, type WasmBackendLike } from './backend.ts';

/**
 * An `Identity` (what `tf.clone` runs) that shares the input's data instead of copying it,
 * wrapping the wasm backend's own kernel.
 *
 * tfjs-core's engine clones every tensor a kernel saves for its gradient
 * (`saveTensorsForBackwardMode`), so a training step clones most of its activations; the cpu
 * backend's `Identity` only counts one more reference to the same data, but tfjs-backend-wasm
 * 4.22 allocates and copies each one (50 copies, 4-5 % of the baseline CNN's step). Tensors are
 * immutable and the wasm backend already shares data this way (its `Reshape` returns the input's
 * data with `incRef`; `disposeData` frees it when the last tensor goes), so sharing gives the
 * same values. Strings go to the original.
 */
export function sharedIdentity(original: KernelFunc): KernelFunc {
  return sharingWhen(original, (x) => x.dtype !== 'string');
}

/**
 * A `Cast` that shares the input's data when the dtype does not change, wrapping the wasm
 * backend's own kernel (which copies whatever the dtypes); the cpu backend's `Cast` does the same.
 * tfjs-core's relu gradient casts the float32 `step(x)` to float32, so every relu layer's
 * backward pass copied a whole activation for nothing. Other casts go to the original.
 */
export function sharedCast(original: KernelFunc): KernelFunc {
  return sharingWhen(
    original,
    (x, attrs) => x.dtype !== 'string' && (attrs as unknown as CastAttrs).dtype === x.dtype,
  );
}

/** A kernel returning its input `x`'s data, one more reference counted, where `shares` says so. */
function sharingWhen(
  original: KernelFunc,
  shares: (x: TensorInfo, attrs: KernelFuncArgs['attrs']) => boolean,
): KernelFunc {
  const kernel: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    if (!shares(x, args.attrs)) return original(args);
    (args.backend as unknown as WasmBackendLike).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  fastKernels.add(kernel);
  return kernel;
}

type KernelFuncArgs = Parameters<KernelFunc>[0];
