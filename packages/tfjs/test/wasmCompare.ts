// Comparing a computation on the wasm backend with the cpu backend's answer (the kernel tests' yardstick).
import { mulberry32 } from '@fmnist/core';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  registerWasmTrainingKernels,
  WASM_WRAPPED_KERNELS,
  type WasmTrainingKernelOptions,
} from '../src/wasm-kernels/index.ts';
import { setSimdModulesEnabled } from '../src/wasm-kernels/simdModule.ts';

/** `count` seeded uniform values in [-1, 1). */
export const random = (count: number, seed: number) => {
  const next = mulberry32(seed);
  return Float32Array.from({ length: count }, () => next() * 2 - 1);
};
/** The element count of a shape. */
export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A tensor of `shape` from {@link random}`(size, seed)`; int32: those values times 100, rounded. */
export function seededTensor(
  shape: number[],
  seed: number,
  dtype: 'float32' | 'int32' = 'float32',
): tf.Tensor {
  const values = random(size(shape), seed);
  return dtype === 'int32'
    ? tf.tensor(
        Int32Array.from(values, (v) => Math.round(v * 100)),
        shape,
        'int32',
      )
    : tf.tensor(values, shape);
}

/**
 * `fn` on wasm with this package's SIMD modules off: what the wrapped kernels fall back to, the
 * backend's own kernels, for bit-for-bit comparisons.
 */
export async function onOriginalWasm(fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  setSimdModulesEnabled(false);
  try {
    return await on('wasm', fn);
  } finally {
    setSimdModulesEnabled(true);
  }
}

/** Runs `fn` on a backend and returns the read-back results as plain arrays. */
export async function on(backend: 'cpu' | 'wasm', fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outputs = fn();
  const values = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(outputs);
  return values;
}

/**
 * Largest difference, relative to the cpu value where that exceeds 1 in magnitude (absolute
 * below). float32 sums of thousands of products (XNNPACK's GEMM accumulates in float32, the cpu
 * kernel in float64) legitimately differ by about 1e-7 of the sum's size: on a gradient of
 * magnitude 20 that is 1e-4 absolute, and not a kernel bug.
 */
export function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  expect(a.map((x) => x.length)).toEqual(b.map((x) => x.length));
  let worst = 0;
  a.forEach((values, k) => {
    for (let i = 0; i < values.length; i++) {
      const d = Math.abs(values[i] - b[k][i]) / Math.max(1, Math.abs(values[i]));
      worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
    }
  });
  return worst;
}

/**
 * Compares a computation on wasm against cpu (within `tolerance`, see {@link maxDifference}), and
 * checks that it leaked no tensor on either.
 */
export async function expectSameOnWasm(fn: () => tf.Tensor[], tolerance = 1e-4): Promise<void> {
  const before = tf.memory().numTensors;
  const cpu = await on('cpu', fn);
  const wasm = await on('wasm', fn);
  expect(maxDifference(cpu, wasm)).toBeLessThan(tolerance);
  expect(tf.memory().numTensors).toBe(before);
}

/** A conv padding as the tfjs ops take it. */
export type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];
/** A rank-4 shape. */
export type Shape4 = [number, number, number, number];

/** An explicit NHWC pad: rows `top`/`bottom`, columns `left`/`right`, none on batch or channels. */
export const explicitPad = (top: number, bottom: number, left: number, right: number): Pad => [
  [0, 0],
  [top, bottom],
  [left, right],
  [0, 0],
];

/** Gradients of a weighted sum of `op(x, filter)` (weights not uniform, so every dy differs). */
export function gradients(
  xShape: Shape4,
  filterShape: Shape4,
  op: (x: tf.Tensor4D, f: tf.Tensor4D) => tf.Tensor4D,
): () => tf.Tensor[] {
  return () =>
    tf.tidy(() => {
      const x = tf.tensor4d(random(size(xShape), 1), xShape);
      const f = tf.tensor4d(random(size(filterShape), 2), filterShape);
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
        const y = op(a as tf.Tensor4D, b as tf.Tensor4D);
        return tf.sum(tf.mul(y, tf.tensor(random(y.size, 3), y.shape)));
      });
      return g([x, f]);
    });
}

/** One direct kernel call: title, x shape, filter shape, strides, padding, data format. */
export type KernelCase = [string, Shape4, Shape4, number | [number, number], Pad, 'NHWC' | 'NCHW'];

/**
 * Runs a conv2d backprop kernel directly (Conv2DBackpropFilter gets x and dy, Conv2DBackpropInput
 * dy and the filter), with dy shaped by tfjs-core's geometry: wasm has no NCHW forward conv2d to
 * ask.
 */
export function backpropKernel(
  kernelName: 'Conv2DBackpropFilter' | 'Conv2DBackpropInput',
  [, xShape, filterShape, strides, pad, dataFormat]: KernelCase,
): () => tf.Tensor[] {
  return () =>
    tf.tidy(() => {
      const { outShape } = tf.backend_util.computeConv2DInfo(
        xShape,
        filterShape,
        strides,
        1,
        pad,
        undefined,
        false,
        dataFormat === 'NCHW' ? 'channelsFirst' : 'channelsLast',
      );
      const dy = tf.tensor(random(size(outShape), 3), outShape);
      const x = tf.tensor4d(random(size(xShape), 1), xShape);
      const filter = tf.tensor4d(random(size(filterShape), 2), filterShape);
      const attrs = { strides, pad, dataFormat };
      const isFilter = kernelName === 'Conv2DBackpropFilter';
      // Freed just before the kernel allocates its output, which the heap likely places here: a
      // kernel that accumulates onto its output without zeroing it first shows the 7s.
      tf.fill([size(isFilter ? filterShape : xShape)], 7).dispose();
      const result = isFilter
        ? tf.engine().runKernel(kernelName, { x, dy }, { ...attrs, filterShape } as never)
        : tf
            .engine()
            .runKernel(kernelName, { dy, filter }, { ...attrs, inputShape: xShape } as never);
      return [result as tf.Tensor];
    });
}

/**
 * One loss-gradient computation of `model` (softmax cross-entropy on seeded inputs of `xShape` and
 * the given labels): every trainable weight's gradient, in the model's order.
 */
export function modelGradients(
  model: tf.LayersModel,
  xShape: number[],
  labels: number[],
  classes: number,
): () => tf.Tensor[] {
  return () =>
    tf.tidy(() => {
      const xs = tf.tensor(random(size(xShape), 7), xShape);
      const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), classes);
      const { grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs) as tf.Tensor) as tf.Scalar,
      );
      // variableGrads keys gradients by the underlying tf.Variable's name.
      return model.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]);
    });
}

/** The test file's setup: the training kernels registered, on the wasm backend; cpu afterwards. */
export function useWasmBackend(): void {
  beforeAll(async () => {
    registerWasmTrainingKernels();
    await tf.setBackend('wasm');
    await tf.ready();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });
}

/**
 * The test every wrapped kernel gets: `kernelName` is in `WASM_WRAPPED_KERNELS`, a second
 * registration (with its `option` on) wraps nothing again, and the registered function stays.
 */
export function itIsWrappedOnce(kernelName: string, option: keyof WasmTrainingKernelOptions): void {
  it('is listed, wrapped once, and the option leaves it alone', () => {
    expect(WASM_WRAPPED_KERNELS).toContain(kernelName);
    const kernel = tf.getKernel(kernelName, 'wasm');
    expect(registerWasmTrainingKernels({ [option]: true })).toEqual([]);
    expect(tf.getKernel(kernelName, 'wasm')?.kernelFunc).toBe(kernel?.kernelFunc);
  });
}
