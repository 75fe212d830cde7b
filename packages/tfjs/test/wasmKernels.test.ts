// The wasm training kernels against the cpu backend: every kernel, tf.grads, and a small CNN.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import * as main from '../src/index.ts';
import {
  registerWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
  WASM_WRAPPED_KERNELS,
} from '../src/wasm-kernels/index.ts';
import { seeded } from './helpers.ts';
import {
  backpropKernel,
  expectSameOnWasm,
  explicitPad,
  gradients,
  type KernelCase,
  maxDifference,
  modelGradients,
  on,
  type Pad,
  random,
  type Shape4,
  size,
  useWasmBackend,
} from './wasmCompare.ts';

/** One test per case: the kernel on wasm equals the cpu kernel and leaks nothing. */
function itMatchesCpu(
  kernelName: 'Conv2DBackpropFilter' | 'Conv2DBackpropInput',
  cases: KernelCase[],
  tolerance?: number,
): void {
  for (const testCase of cases) {
    it(testCase[0], async () => {
      await expectSameOnWasm(backpropKernel(kernelName, testCase), tolerance);
    });
  }
}

useWasmBackend();

describe('registerWasmTrainingKernels', () => {
  it('registers every missing training kernel on wasm, once', () => {
    for (const name of WASM_TRAINING_KERNELS) expect(tf.getKernel(name, 'wasm')).toBeDefined();
    expect([...WASM_WRAPPED_KERNELS].sort()).toEqual([
      'Add',
      'BatchMatMul',
      'Cast',
      'Conv2DBackpropInput',
      'Identity',
      'MaxPoolGrad',
      'Mean',
      'Multiply',
      'Sub',
      'Sum',
      'Tile',
    ]);
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

  // The SIMD module per tap (NHWC, Cout % 4 == 0: channel pairs and an odd last channel, blocks
  // of 16 and of 4 outputs); NHWC with Cout % 4 != 0 runs im2col + XNNPACK's GEMM, NCHW the
  // forward-conv route.
  itMatchesCpu(
    'Conv2DBackpropFilter',
    [
      [
        'taps: batch 1, odd size, Cin 3 (pair + 1), Cout 20 (16 + 4)',
        [1, 9, 7, 3],
        [3, 3, 3, 20],
        2,
        'same',
        'NHWC',
      ],
      ['taps: valid stride 2, non-square, Cin 5', [2, 11, 8, 5], [3, 3, 5, 4], 2, 'valid', 'NHWC'],
      [
        'taps: [2,3] filter, strides [2,1], Cin 1',
        [3, 8, 9, 1],
        [2, 3, 1, 16],
        [2, 1],
        'same',
        'NHWC',
      ],
      ['taps: Cin 6, Cout 8 (blocks of 4 only)', [2, 8, 7, 6], [3, 3, 6, 8], 1, 'same', 'NHWC'],
      ['GEMM: Cout 7, batch 1, stride 2', [1, 9, 8, 3], [3, 3, 3, 7], 2, 'valid', 'NHWC'],
      [
        'taps: the baseline CNN layer 2 at batch 1 (3x3, 16 -> 32)',
        [1, 14, 14, 16],
        [3, 3, 16, 32],
        1,
        'same',
        'NHWC',
      ],
      [
        'GEMM: strides [1,2], odd width (gathered runs)',
        [2, 9, 11, 8],
        [3, 3, 8, 5],
        [1, 2],
        'same',
        'NHWC',
      ],
      [
        'taps: strides [2,1], valid, Cin 8, Cout 4',
        [2, 10, 6, 8],
        [3, 3, 8, 4],
        [2, 1],
        'valid',
        'NHWC',
      ],
      [
        'taps: explicit asymmetric pad',
        [2, 7, 9, 6],
        [3, 3, 6, 4],
        1,
        explicitPad(1, 2, 0, 1),
        'NHWC',
      ],
      ['forward conv: NCHW, FH*FW*Cin 72', [2, 8, 9, 7], [3, 3, 8, 4], 1, 'same', 'NCHW'],
    ],
    1e-5,
  );

  // At batch 4 each dW value sums 784 products: float32 accumulation (any route) differs from the
  // cpu kernel's float64 by 1.5e-5 relative here.
  itMatchesCpu('Conv2DBackpropFilter', [
    [
      'taps: the baseline CNN layer 2 at batch 4',
      [4, 14, 14, 16],
      [3, 3, 16, 32],
      1,
      'same',
      'NHWC',
    ],
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

/** Direct MaxPoolGrad: x (from `values`, default seeded uniform), its max-pool, a seeded dy. */
function maxPoolGrad(
  xShape: Shape4,
  filterSize: number | [number, number],
  strides: number | [number, number],
  pad: 'same' | 'valid' | number,
  values: Float32Array = random(size(xShape), 1),
): () => tf.Tensor[] {
  return () =>
    tf.tidy(() => {
      const x = tf.tensor4d(values, xShape);
      const y = tf.maxPool(x, filterSize, strides, pad);
      const dy = tf.tensor(random(y.size, 3), y.shape);
      // Freed just before dx is allocated, so the heap likely hands dx this memory: a kernel that
      // skips zeroing dx and misses a position would show 7s there.
      tf.fill([size(xShape)], 7).dispose();
      const attrs = { filterSize, strides, pad };
      return [
        tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs) as tf.Tensor,
      ];
    });
}

describe('MaxPoolGrad on wasm (SIMD module) equals cpu exactly', () => {
  it('is wrapped once, and the option leaves the original in place', () => {
    const kernel = tf.getKernel('MaxPoolGrad', 'wasm');
    expect(registerWasmTrainingKernels({ fastMaxPoolGrad: true })).toEqual([]);
    expect(tf.getKernel('MaxPoolGrad', 'wasm')?.kernelFunc).toBe(kernel?.kernelFunc);
  });

  const ties = Float32Array.from(random(2 * 8 * 9 * 6, 5), (v) => Math.max(0, Math.round(v * 2)));
  const special = random(1 * 6 * 6 * 5, 6);
  special.fill(Number.NEGATIVE_INFINITY, 0, 40); // whole windows of -Infinity send nothing
  for (const k of [41, 47, 90, 131]) special[k] = Number.NaN;
  const tiledTies = Float32Array.from(random(2 * 8 * 10 * 8, 5), (v) =>
    Math.max(0, Math.round(v * 2)),
  );
  const tiledSpecial = random(1 * 6 * 6 * 8, 6);
  tiledSpecial.fill(Number.NEGATIVE_INFINITY, 0, 64);
  for (const k of [70, 77, 150, 211]) tiledSpecial[k] = Number.NaN;
  for (const [title, xShape, filterSize, strides, pad, values] of [
    ['2x2 stride 2 valid, 16 channels (the baseline CNN)', [3, 8, 8, 16], 2, 2, 'valid'],
    ['batch 1, non-square, odd size, 3 channels', [1, 7, 9, 3], 2, 2, 'valid'],
    ['2x2 stride 2 same, odd size, 6 channels (SIMD + tail)', [2, 7, 9, 6], 2, 2, 'same'],
    ['3x3 stride 2 same (overlapping windows add)', [2, 9, 11, 5], 3, 2, 'same'],
    ['3x3 stride 1 valid, 1 channel', [2, 6, 7, 1], 3, 1, 'valid'],
    ['[2,3] window, strides [1,2], numeric pad 1', [2, 7, 8, 4], [2, 3], [1, 2], 1],
    ['ties (relu-like zeros): the first maximum wins', [2, 8, 9, 6], 2, 2, 'valid', ties],
    ['ties, overlapping 3x3 stride 1 same', [2, 8, 9, 6], 3, 1, 'same', ties],
    ['-Infinity and NaN windows', [1, 6, 6, 5], 2, 2, 'valid', special],
    // Windows that tile the input (2x2 stride 2, even sizes, channels % 4 == 0): dx written once.
    ['tiled: ties', [2, 8, 10, 8], 2, 2, 'valid', tiledTies],
    ['tiled: -Infinity and NaN windows', [1, 6, 6, 8], 2, 2, 'valid', tiledSpecial],
    ['tiled: 3x3 stride 3, non-square', [2, 9, 6, 4], 3, 3, 'valid'],
  ] as [
    string,
    Shape4,
    number | [number, number],
    number | [number, number],
    Pad,
    Float32Array?,
  ][]) {
    it(title, async () => {
      await expectSameOnWasm(
        maxPoolGrad(xShape, filterSize, strides, pad as 'same', values ?? undefined),
        1e-5,
      );
    });
  }

  it('tf.grads of maxPool after a relu (batch 1, non-square, stride 2 same)', async () => {
    await expectSameOnWasm(
      () =>
        tf.tidy(() => {
          const x = tf.tensor4d(random(1 * 11 * 8 * 7, 8), [1, 11, 8, 7]);
          const w = tf.tensor(random(1 * 6 * 4 * 7, 9), [1, 6, 4, 7]);
          return tf.grads((a: tf.Tensor) =>
            tf.sum(tf.mul(tf.maxPool(tf.relu(a) as tf.Tensor4D, 2, 2, 'same'), w)),
          )([x]);
        }),
      1e-5,
    );
  });
});

describe('BatchMatMul on wasm (transposed products via XNNPACK) equals cpu', () => {
  it('is wrapped once', () => {
    const kernel = tf.getKernel('BatchMatMul', 'wasm');
    expect(registerWasmTrainingKernels()).toEqual([]);
    expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc).toBe(kernel?.kernelFunc);
  });

  for (const [aShape, bShape, transposeA, transposeB] of [
    [[7, 13], [7, 5], true, false], // dW of a dense layer: xᵀ·dy
    [[5, 13], [9, 13], false, true], // dx: dy·Wᵀ, fewer rows in A (the (B·Aᵀ)ᵀ route)
    [[11, 13], [3, 13], false, true], // more rows in A (the A·(Bᵀ) route)
    [[1, 13], [6, 13], false, true], // batch 1
    [[13, 5], [9, 13], true, true],
    [[1, 7, 13], [1, 7, 5], true, false], // rank 3, one matrix each
    [[4, 6], [1, 5, 6], false, true], // broadcast rank 2 against rank 3
    [[3, 7, 13], [3, 7, 5], true, false], // batched: the original kernel
    [[6, 4], [4, 5], false, false], // no transpose: the original kernel
  ] as [number[], number[], boolean, boolean][]) {
    it(`[${aShape}]${transposeA ? 'ᵀ' : ''} x [${bShape}]${transposeB ? 'ᵀ' : ''}`, async () => {
      await expectSameOnWasm(
        () =>
          tf.tidy(() => [
            tf.matMul(
              tf.tensor(random(size(aShape), 1), aShape),
              tf.tensor(random(size(bShape), 2), bShape),
              transposeA,
              transposeB,
            ),
          ]),
        1e-5,
      );
    });
  }

  it('tf.grads of a dense layer (relu(x·W + b)): dx, dW and db', async () => {
    await expectSameOnWasm(
      () =>
        tf.tidy(() => {
          const x = tf.tensor2d(random(9 * 37, 1), [9, 37]);
          const w = tf.tensor2d(random(37 * 11, 2), [37, 11]);
          const b = tf.tensor1d(random(11, 3));
          const weights = tf.tensor2d(random(9 * 11, 4), [9, 11]);
          return tf.grads((a: tf.Tensor, k: tf.Tensor, c: tf.Tensor) =>
            tf.sum(tf.mul(tf.relu(tf.add(tf.matMul(a, k), c)), weights)),
          )([x, w, b]);
        }),
      1e-5,
    );
  });
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

  for (const [xShape, filterShape, strides, pad] of [
    [[1, 9, 7, 3], [3, 3, 3, 1], 2, 'same'], // batch 1, non-square, 3 channels (no f32x4)
    [[2, 8, 11, 5], [3, 2, 5, 2], 2, 'valid'], // 10 = 8 + 2 expanded channels
    [[1, 7, 6, 3], [2, 3, 3, 3], 1, 'same'], // multiplier 3, even filter height
    [[2, 6, 9, 8], [3, 3, 8, 1], [2, 1], 'same'], // 8 channels: f32x4 only
  ] as [Shape4, Shape4, number | [number, number], 'same' | 'valid'][]) {
    it(`SIMD: depthwiseConv2d ${filterShape.join('x')} on [${xShape}] ${pad}: dx and dW`, async () => {
      await expectSameOnWasm(
        gradients(xShape, filterShape, (x, f) => tf.depthwiseConv2d(x, f, strides, pad)),
        1e-5,
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
    const step = modelGradients(model, [5, 12, 12, 1], [0, 1, 2, 1, 0], 3);
    const cpu = await on('cpu', step);
    const wasm = await on('wasm', step);
    expect(cpu.length).toBe(model.trainableWeights.length);
    expect(maxDifference(cpu, wasm)).toBeLessThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
