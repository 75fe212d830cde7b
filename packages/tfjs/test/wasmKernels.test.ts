// The wasm training kernels against the cpu backend: every kernel, tf.grads, and a small CNN.
import { mulberry32 } from '@fmnist/core';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as main from '../src/index.ts';
import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from '../src/wasm-kernels/index.ts';
import { seeded } from './helpers.ts';

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];
type Shape4 = [number, number, number, number];

/** An explicit NHWC pad: rows `top`/`bottom`, columns `left`/`right`, none on batch or channels. */
const explicitPad = (top: number, bottom: number, left: number, right: number): Pad => [
  [0, 0],
  [top, bottom],
  [left, right],
  [0, 0],
];

const random = (count: number, seed: number) => {
  const next = mulberry32(seed);
  return Float32Array.from({ length: count }, () => next() * 2 - 1);
};
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Runs `fn` on a backend and returns the read-back results as plain arrays. */
async function on(backend: 'cpu' | 'wasm', fn: () => tf.Tensor[]): Promise<Float32Array[]> {
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
function maxDifference(a: Float32Array[], b: Float32Array[]): number {
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

/** Compares a computation on wasm against cpu, and checks that it leaked no tensor on either. */
async function expectSameOnWasm(fn: () => tf.Tensor[]): Promise<void> {
  const before = tf.memory().numTensors;
  const cpu = await on('cpu', fn);
  const wasm = await on('wasm', fn);
  expect(maxDifference(cpu, wasm)).toBeLessThan(1e-4);
  expect(tf.memory().numTensors).toBe(before);
}

/** Gradients of a weighted sum of `op(x, filter)` (weights not uniform, so every dy differs). */
function gradients(
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
type KernelCase = [string, Shape4, Shape4, number | [number, number], Pad, 'NHWC' | 'NCHW'];

/**
 * Runs a conv2d backprop kernel directly (Conv2DBackpropFilter gets x and dy, Conv2DBackpropInput
 * dy and the filter), with dy shaped by tfjs-core's geometry: wasm has no NCHW forward conv2d to
 * ask.
 */
function backpropKernel(
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
      const attrs = { strides, pad, dataFormat };
      const result =
        kernelName === 'Conv2DBackpropFilter'
          ? tf
              .engine()
              .runKernel(kernelName, { x: tf.tensor4d(random(size(xShape), 1), xShape), dy }, {
                ...attrs,
                filterShape,
              } as never)
          : tf
              .engine()
              .runKernel(
                kernelName,
                { dy, filter: tf.tensor4d(random(size(filterShape), 2), filterShape) },
                { ...attrs, inputShape: xShape } as never,
              );
      return [result as tf.Tensor];
    });
}

/** One test per case: the kernel on wasm equals the cpu kernel and leaks nothing. */
function itMatchesCpu(
  kernelName: 'Conv2DBackpropFilter' | 'Conv2DBackpropInput',
  cases: KernelCase[],
): void {
  for (const testCase of cases) {
    it(testCase[0], async () => {
      await expectSameOnWasm(backpropKernel(kernelName, testCase));
    });
  }
}

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
  await tf.ready();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('registerWasmTrainingKernels', () => {
  it('registers every missing training kernel on wasm, once', () => {
    for (const name of WASM_TRAINING_KERNELS) expect(tf.getKernel(name, 'wasm')).toBeDefined();
    expect(registerWasmTrainingKernels()).toEqual([]);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.backendName).toBe('wasm');
  });

  it('stays reachable from the main entry (deprecated) as the same function and list', () => {
    expect(main.registerWasmTrainingKernels).toBe(registerWasmTrainingKernels);
    expect(main.WASM_TRAINING_KERNELS).toBe(WASM_TRAINING_KERNELS);
  });
});

describe('Conv2DBackpropFilter on wasm equals cpu', () => {
  itMatchesCpu('Conv2DBackpropFilter', [
    ['3x3 same stride 1', [2, 9, 9, 3], [3, 3, 3, 4], 1, 'same', 'NHWC'],
    ['3x3 valid stride 1', [3, 12, 10, 1], [3, 3, 1, 8], 1, 'valid', 'NHWC'],
    ['5x5 same stride 1 (the baseline CNN)', [4, 28, 28, 1], [5, 5, 1, 8], 1, 'same', 'NHWC'],
    ['3x3 valid stride 2', [2, 10, 11, 2], [3, 3, 2, 5], 2, 'valid', 'NHWC'],
    ['4x4 same stride 2', [2, 10, 11, 2], [4, 4, 2, 5], 2, 'same', 'NHWC'],
    ['3x3 same stride 3', [2, 9, 9, 3], [3, 3, 3, 4], 3, 'same', 'NHWC'],
    ['3x3 valid strides [1,2]', [1, 7, 9, 2], [3, 3, 2, 3], [1, 2], 'valid', 'NHWC'],
    ['numeric pad 1 stride 2', [2, 7, 9, 2], [2, 3, 2, 4], 2, 1, 'NHWC'],
    [
      'explicit asymmetric pad',
      [2, 7, 9, 2],
      [3, 3, 2, 4],
      [1, 2],
      explicitPad(1, 2, 0, 1),
      'NHWC',
    ],
    ['NCHW same stride 2', [2, 3, 9, 8], [3, 3, 3, 4], 2, 'same', 'NCHW'],
    ['NCHW valid stride 1', [2, 3, 9, 8], [3, 3, 3, 4], 1, 'valid', 'NCHW'],
  ]);

  for (const [strides, pad] of [
    [1, 'same'],
    [1, 'valid'],
    [2, 'same'],
    [2, 'valid'],
  ] as const) {
    it(`tf.grads of conv2d (strides ${strides}, ${pad}): dx and dW`, async () => {
      await expectSameOnWasm(
        gradients([3, 11, 10, 2], [3, 3, 2, 6], (x, f) => tf.conv2d(x, f, strides, pad)),
      );
    });
  }
});

describe('Conv2DBackpropInput on wasm (fast path and fallbacks) equals cpu', () => {
  it('is wrapped once, keeping the original for the cases it does not cover', () => {
    const kernel = tf.getKernel('Conv2DBackpropInput', 'wasm');
    expect(registerWasmTrainingKernels()).toEqual([]);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc).toBe(kernel?.kernelFunc);
  });

  itMatchesCpu('Conv2DBackpropInput', [
    ['3x3 same (fast)', [4, 14, 14, 16], [3, 3, 16, 32], 1, 'same', 'NHWC'],
    ['5x5 valid (fast)', [2, 12, 11, 3], [5, 5, 3, 4], 1, 'valid', 'NHWC'],
    ['4x4 same, asymmetric (fast)', [2, 9, 10, 2], [4, 4, 2, 3], 1, 'same', 'NHWC'],
    [
      'explicit asymmetric pad (fast)',
      [2, 7, 9, 2],
      [3, 3, 2, 4],
      1,
      explicitPad(1, 2, 0, 1),
      'NHWC',
    ],
    [
      'pad wider than the filter (original)',
      [1, 6, 6, 2],
      [3, 3, 2, 2],
      1,
      explicitPad(3, 3, 3, 3),
      'NHWC',
    ],
    ['stride 2 (original)', [2, 10, 11, 2], [3, 3, 2, 5], 2, 'same', 'NHWC'],
    ['NCHW (original)', [2, 3, 9, 8], [3, 3, 3, 4], 1, 'same', 'NCHW'],
  ]);
});

describe('depthwise backprop kernels on wasm equal cpu', () => {
  for (const [xShape, filterShape, strides, pad] of [
    [[2, 9, 9, 3], [3, 3, 3, 1], 1, 'same'],
    [[2, 9, 9, 3], [3, 3, 3, 2], 1, 'valid'],
    [[2, 10, 11, 2], [3, 3, 2, 3], 2, 'same'],
    [[3, 8, 8, 4], [2, 2, 4, 2], 2, 'valid'],
  ] as [Shape4, Shape4, number, 'same' | 'valid'][]) {
    it(`depthwiseConv2d ${filterShape.join('x')} strides ${strides} ${pad}: dx and dW`, async () => {
      await expectSameOnWasm(
        gradients(xShape, filterShape, (x, f) => tf.depthwiseConv2d(x, f, strides, pad)),
      );
    });
  }

  it('separableConv2d gradients (depthwise + pointwise)', async () => {
    await expectSameOnWasm(() =>
      tf.tidy(() => {
        const x = tf.tensor4d(random(2 * 9 * 9 * 3, 1), [2, 9, 9, 3]);
        const depth = tf.tensor4d(random(3 * 3 * 3 * 2, 2), [3, 3, 3, 2]);
        const point = tf.tensor4d(random(6 * 5, 4), [1, 1, 6, 5]);
        const weights = tf.tensor(random(2 * 9 * 9 * 5, 5), [2, 9, 9, 5]);
        return tf.grads((a: tf.Tensor, d: tf.Tensor, p: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.separableConv2d(a as tf.Tensor4D, d as tf.Tensor4D, p as tf.Tensor4D, 1, 'same'),
              weights,
            ),
          ),
        )([x, depth, point]);
      }),
    );
  });

  it('rejects dilations above 1 instead of computing a wrong answer', async () => {
    await tf.setBackend('wasm');
    const x = tf.ones([1, 6, 6, 1]);
    const dy = tf.ones([1, 2, 2, 1]);
    expect(() =>
      tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, {
        strides: 1,
        dilations: 2,
        pad: 'valid',
        filterShape: [3, 3, 1, 1],
      } as never),
    ).toThrow(/dilations/);
    tf.dispose([x, dy]);
  });
});

describe('a small CNN trains on wasm', () => {
  it('has the same loss gradients as on cpu for every weight', async () => {
    await tf.setBackend('cpu');
    const model = tf.sequential({
      layers: [
        seeded.conv2d(1, {
          inputShape: [12, 12, 1],
          filters: 4,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
        }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        seeded.conv2d(2, { filters: 6, kernelSize: 3, strides: 2, activation: 'relu' }),
        tf.layers.flatten(),
        seeded.dense(3, { units: 3 }),
      ],
    });
    const before = tf.memory().numTensors;
    const step = () =>
      tf.tidy(() => {
        const xs = tf.tensor4d(random(5 * 144, 7), [5, 12, 12, 1]);
        const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0], 'int32'), 3);
        const { grads } = tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs) as tf.Tensor) as tf.Scalar,
        );
        // variableGrads keys gradients by the underlying tf.Variable's name.
        return model.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]);
      });
    const cpu = await on('cpu', step);
    const wasm = await on('wasm', step);
    expect(cpu.length).toBe(model.trainableWeights.length);
    expect(maxDifference(cpu, wasm)).toBeLessThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
