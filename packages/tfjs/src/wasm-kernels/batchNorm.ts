// Batch normalization's training step on wasm as two SIMD kernels (batch statistics and normalization; its gradient) behind a tfjs-layers BatchNormalization.
import {
  engine,
  getBackend,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  mul,
  type NamedAttrMap,
  registerGradient,
  registerKernel,
  sub,
  type Tensor,
  type TensorInfo,
  tidy,
  util,
} from '@tensorflow/tfjs-core';
import { heapOffset, WASM, type WasmBackendLike } from './backend.ts';
import { batchNormWasm } from './simd/batchNorm.wasm.ts';
import { columnSumWasm } from './simd/columnSum.wasm.ts';
import { simdExports } from './simdModule.ts';

/** Inputs x, scale, offset; outputs the normalized x, the batch mean and the (biased) variance. */
const BATCH_NORM_TRAINING = 'FmnistBatchNormTraining';
/** Inputs dy, x, mean, variance, scale; outputs dx, dscale, doffset. */
const BATCH_NORM_TRAINING_GRAD = 'FmnistBatchNormTrainingGrad';

type WasmFn = (...args: number[]) => void;

interface BatchNormAttrs {
  epsilon: number;
}

/** The rows x channels view of a channels-last activation. */
function matrixOf(x: TensorInfo): { rows: number; cols: number } {
  const cols = x.shape[x.shape.length - 1];
  return { rows: util.sizeFromShape(x.shape) / cols, cols };
}

/** Both SIMD modules on this backend's heap, or undefined where the engine has no wasm SIMD. */
function modules(backend: WasmBackendLike) {
  const columnSum = simdExports(backend, columnSumWasm);
  const batchNorm = simdExports(backend, batchNormWasm);
  return columnSum && batchNorm ? { columnSum, batchNorm } : undefined;
}

/**
 * Runs `body` with `count` per-channel scratch vectors on the heap, freed afterwards. Every
 * allocation a kernel makes happens before `body`, so its heap views stay valid (a growing heap
 * detaches the old ones).
 */
function withScratch<T>(
  backend: WasmBackendLike,
  count: number,
  cols: number,
  body: (scratch: TensorInfo[], view: (t: TensorInfo) => Float32Array) => T,
): T {
  const infos = Array.from({ length: count }, () => backend.makeOutput([cols], 'float32'));
  try {
    return body(infos, (t) => backend.typedArrayFromHeap(t));
  } finally {
    for (const info of infos) backend.disposeData(info.dataId);
  }
}

const forwardKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as unknown as WasmBackendLike;
  const { x, scale, offset } = inputs as Record<'x' | 'scale' | 'offset', TensorInfo>;
  const { epsilon } = attrs as unknown as BatchNormAttrs;
  const found = modules(wasm);
  if (found === undefined) throw new Error(`${BATCH_NORM_TRAINING}: no wasm SIMD here`);
  const { rows, cols } = matrixOf(x);
  const at = (t: TensorInfo) => heapOffset(wasm, t);
  const y = wasm.makeOutput([...x.shape], 'float32');
  const mean = wasm.makeOutput([cols], 'float32');
  const variance = wasm.makeOutput([cols], 'float32');
  // Two passes for the statistics, as tf.moments makes them (mean, then the mean squared
  // deviation from it), then one for the normalization with the statistics folded per channel.
  withScratch(wasm, 1, cols, ([factor], view) => {
    (found.columnSum.columnSum as WasmFn)(at(x), at(mean), rows, cols);
    const meanValues = view(mean);
    for (let c = 0; c < cols; c++) meanValues[c] /= rows;
    (found.batchNorm.sumSquaredDeviation as WasmFn)(at(x), at(mean), at(variance), rows, cols);
    const [varianceValues, gamma, factorValues] = [variance, scale, factor].map(view);
    for (let c = 0; c < cols; c++) {
      varianceValues[c] /= rows;
      factorValues[c] = gamma[c] / Math.sqrt(varianceValues[c] + epsilon);
    }
    (found.batchNorm.scaleShift as WasmFn)(
      at(x),
      at(mean),
      at(factor),
      at(offset),
      at(y),
      rows,
      cols,
    );
  });
  return [y, mean, variance];
};

const gradientKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as unknown as WasmBackendLike;
  const { dy, x, mean, variance, scale } = inputs as Record<
    'dy' | 'x' | 'mean' | 'variance' | 'scale',
    TensorInfo
  >;
  const { epsilon } = attrs as unknown as BatchNormAttrs;
  const found = modules(wasm);
  if (found === undefined) throw new Error(`${BATCH_NORM_TRAINING_GRAD}: no wasm SIMD here`);
  const { rows, cols } = matrixOf(x);
  const at = (t: TensorInfo) => heapOffset(wasm, t);
  const dx = wasm.makeOutput([...x.shape], 'float32');
  const dscale = wasm.makeOutput([cols], 'float32');
  const doffset = wasm.makeOutput([cols], 'float32');
  withScratch(wasm, 3, cols, ([a, b, c], view) => {
    (found.batchNorm.sumGradients as WasmFn)(
      at(dy),
      at(x),
      at(mean),
      at(doffset),
      at(dscale),
      rows,
      cols,
    );
    const [gamma, varianceValues, sumDy, sumDyDev, av, bv, cv] = [
      scale,
      variance,
      doffset,
      dscale,
      a,
      b,
      c,
    ].map(view);
    // With xhat = (x - mean) * r and r = 1 / sqrt(variance + epsilon), differentiating through
    // the batch's own mean and variance gives
    //   dx = gamma * r * (dy - mean(dy) - xhat * mean(dy * xhat)),
    // which is dy * a + (x - mean) * b + c per channel; dscale = sum(dy * xhat).
    for (let k = 0; k < cols; k++) {
      const r = 1 / Math.sqrt(varianceValues[k] + epsilon);
      av[k] = gamma[k] * r;
      bv[k] = (-gamma[k] * r * r * r * sumDyDev[k]) / rows;
      cv[k] = (-gamma[k] * r * sumDy[k]) / rows;
      sumDyDev[k] *= r;
    }
    (found.batchNorm.inputGradient as WasmFn)(
      at(dy),
      at(x),
      at(mean),
      at(a),
      at(b),
      at(c),
      at(dx),
      rows,
      cols,
    );
  });
  return [dx, dscale, doffset];
};

const KERNELS: readonly KernelConfig[] = [
  { kernelName: BATCH_NORM_TRAINING, backendName: WASM, kernelFunc: forwardKernel },
  { kernelName: BATCH_NORM_TRAINING_GRAD, backendName: WASM, kernelFunc: gradientKernel },
];

let gradientRegistered = false;

/** Registers both kernels and the forward kernel's gradient, once. */
function ensureRegistered(): void {
  for (const config of KERNELS) {
    if (!getKernel(config.kernelName, WASM)) registerKernel(config);
  }
  if (gradientRegistered) return;
  gradientRegistered = true;
  registerGradient({
    kernelName: BATCH_NORM_TRAINING,
    inputsToSave: ['x', 'scale'],
    // The mean and variance outputs feed only the moving averages, which the loss never sees;
    // the engine hands this zeros for their gradients.
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [x, scale, mean, variance] = saved;
      const dy = (dys as Tensor[])[0];
      const [dx, dscale, doffset] = engine().runKernel(
        BATCH_NORM_TRAINING_GRAD,
        { dy, x, mean, variance, scale },
        attrs as NamedAttrMap,
      ) as Tensor[];
      return { x: () => dx, scale: () => dscale, offset: () => doffset };
    },
  });
}

/** The parts of a tfjs-layers `LayerVariable` this file uses. */
interface LayerVariableLike {
  read(): Tensor;
  write(value: Tensor): unknown;
}

/**
 * The fields of tfjs-layers' `BatchNormalization` layer (4.x) the training step reads. Typed
 * structurally so this package needs no import of `@tensorflow/tfjs-layers`; its own typings
 * keep them private.
 */
interface BatchNormLayerFields {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma?: LayerVariableLike;
  beta?: LayerVariableLike;
  movingMean?: LayerVariableLike;
  movingVariance?: LayerVariableLike;
  call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor | Tensor[];
}

/** Whether a training call of `layer` on `x` can run the SIMD kernels. */
function fusable(layer: BatchNormLayerFields, x: Tensor): boolean {
  const rank = x.shape.length;
  const channels = x.shape[rank - 1];
  return (
    getBackend() === WASM &&
    x.dtype === 'float32' &&
    rank >= 2 &&
    (layer.axis === -1 || layer.axis === rank - 1) &&
    layer.center &&
    layer.scale &&
    channels % 4 === 0 &&
    x.size > 0 &&
    modules(engine().backend as unknown as WasmBackendLike) !== undefined
  );
}

/**
 * Makes a tfjs-layers `BatchNormalization` layer (`tf.layers.batchNormalization(...)`) train
 * faster on the wasm backend, and returns it.
 *
 * While training, the stock layer runs tf.moments and tfjs-core's `FusedBatchNorm` (a per-element
 * index loop in tfjs-backend-wasm 4.22), and their gradients take about 30 more elementwise
 * kernels over the whole activation: a two-layer batch-norm CNN's step took 1.9x a plain one's.
 * Patched, a training call on wasm is one kernel (the batch mean, the mean squared deviation and
 * the normalization: three SIMD passes) whose gradient is one more (two passes: the per-channel
 * sums of `dy` and `dy * (x - mean)`, then `dx`); the moving averages are updated as the stock
 * layer updates them. The values are the stock layer's up to float32 rounding (the tests hold
 * them to the cpu backend's within 1e-5), not to the bit.
 *
 * Everything else is the stock layer's own: inference, the config and weights it saves and loads
 * (its class name stays `BatchNormalization`, so a saved model loads with plain tfjs and exports to
 * ONNX as any batch norm), and any call this cannot take (another backend, no wasm SIMD, not
 * channels-last, `center` or `scale` off, a channel count that is not a multiple of 4).
 */
export function fusedBatchNorm<L extends object>(layer: L): L {
  const fields = layer as unknown as BatchNormLayerFields;
  const stock = fields.call.bind(layer);
  fields.call = (inputs, kwargs) => {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const { gamma, beta, movingMean, movingVariance } = fields;
    if (
      kwargs?.training !== true ||
      (Array.isArray(inputs) && inputs.length !== 1) ||
      !gamma ||
      !beta ||
      !movingMean ||
      !movingVariance ||
      !fusable(fields, x)
    ) {
      return stock(inputs, kwargs);
    }
    ensureRegistered();
    return tidy(() => {
      const [y, mean, variance] = engine().runKernel(
        BATCH_NORM_TRAINING,
        { x, scale: gamma.read(), offset: beta.read() },
        { epsilon: fields.epsilon },
      ) as Tensor[];
      // As the stock layer: moving = moving - (moving - batch) * (1 - momentum).
      for (const [moving, batch] of [
        [movingMean, mean],
        [movingVariance, variance],
      ] as const) {
        tidy(() => {
          const value = moving.read();
          moving.write(sub(value, mul(sub(value, batch), 1 - fields.momentum)));
        });
      }
      return y;
    });
  };
  return layer;
}
