// The wasm training kernels on the baseline CNN's shapes (batch 64): the wrapped kernels before and
// after registerWasmTrainingKernels() wraps them; Conv2DBackpropFilter (a forward XNNPACK
// convolution) against the wasm binary's own Conv3DBackpropFilterV2 on depth-1 views (the naive
// route, stride 1 only: it is wrong for larger strides) and the cpu backend's kernel; the SIMD
// modules against the routes taken without them. Then the
// adapter's conversions. `pnpm bench` in packages/tfjs (`--quick` skips the slowest cpu cases).
import { loadDataset } from '@fmnist/core/node';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import os from 'node:os';
import { toTensors, toTfDataset } from '../src/index.ts';
import { registerWasmTrainingKernels } from '../src/wasm-kernels/index.ts';
import { setSimdModulesEnabled } from '../src/wasm-kernels/simdModule.ts';

type Shape4 = [number, number, number, number];
const cases: [string, Shape4, Shape4, number][] = [
  ['baseline CNN layer 1', [64, 28, 28, 1], [3, 3, 1, 16], 1],
  ['baseline CNN layer 2', [64, 14, 14, 16], [3, 3, 16, 32], 1],
  ['strided 28x28x16 -> 32', [64, 28, 28, 16], [3, 3, 16, 32], 2],
];

/**
 * Median milliseconds of `fn` over runs that fit in about `budgetMs` (at least `minRuns`, after
 * one warm-up run unless `minRuns` is 1: the cpu kernels take seconds per call).
 */
function time(fn: () => tf.Tensor, budgetMs = 1500, minRuns = 3): number {
  if (minRuns > 1) tf.dispose(fn());
  const samples: number[] = [];
  const start = performance.now();
  while (
    samples.length < minRuns ||
    (performance.now() - start < budgetMs && samples.length < 50)
  ) {
    // wasm and cpu run kernels synchronously: the output is complete when fn returns, and
    // reading it back would add a copy of it to each sample (as much as an elementwise kernel).
    const t0 = performance.now();
    const out = fn();
    samples.push(performance.now() - t0);
    out.dispose();
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

// The wrapped kernels, with the wasm backend's own implementation and then wrapped: the baseline
// CNN's dx of its second convolution, both max-pool gradients, the dense layer's backward
// products (dW = xᵀ·dy, dx = dy·Wᵀ), the first convolution's bias, and batch norm's broadcasts.
await tf.setBackend('wasm');
console.log(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (2 cores: above 1 is a loaded machine)`,
);
const kernelCall = (name: string, inputs: Record<string, tf.Tensor>, attrs: object) => () =>
  tf.engine().runKernel(name, inputs, attrs as never) as tf.Tensor;
const pooled = (shape: Shape4) => {
  const x = tf.randomUniform(shape);
  const y = tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid');
  const attrs = { filterSize: 2, strides: 2, pad: 'valid' };
  return kernelCall('MaxPoolGrad', { dy: tf.randomUniform(y.shape), input: x, output: y }, attrs);
};
const [dense, denseDy, denseW] = [
  [64, 1568],
  [64, 128],
  [1568, 128],
].map((s) => tf.randomUniform(s));
// The first convolution's activation and a per-channel row: its bias, batch norm's moments.
const activation = tf.randomUniform([64, 28, 28, 16]);
const channels = tf.randomUniform([16]);
const channels4 = tf.reshape(channels, [1, 1, 1, 16]);
const wrapped: [string, () => tf.Tensor][] = [
  [
    'Conv2DBackpropInput, baseline CNN layer 2',
    kernelCall(
      'Conv2DBackpropInput',
      { dy: tf.randomUniform([64, 14, 14, 32]), filter: tf.randomUniform([3, 3, 16, 32]) },
      { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [64, 14, 14, 16] },
    ),
  ],
  ['MaxPoolGrad 2x2 [64,28,28,16]', pooled([64, 28, 28, 16])],
  ['MaxPoolGrad 2x2 [64,14,14,32]', pooled([64, 14, 14, 32])],
  ['BatchMatMul dense dW [1568,64]·[64,128]', () => tf.matMul(dense, denseDy, true, false)],
  ['BatchMatMul dense dx [64,128]·[128,1568]', () => tf.matMul(denseDy, denseW, false, true)],
  ['Add conv bias [64,28,28,16] + [16]', () => tf.add(activation, channels)],
  ['Sub batch norm [64,28,28,16] - [1,1,1,16]', () => tf.sub(activation, channels4)],
  ['Mean batch norm [64,28,28,16] over 0,1,2', () => tf.mean(activation, [0, 1, 2], true)],
  ['Tile batch norm [1,1,1,16] to [64,28,28,16]', () => tf.tile(channels4, [64, 28, 28, 1])],
];
const original: number[] = [];
for (const [, fn] of wrapped) original.push(time(fn));
registerWasmTrainingKernels();
console.log('wrapped wasm kernels, median ms: tfjs-backend-wasm 4.22 -> this package');
for (const [k, [title, fn]] of wrapped.entries()) {
  const fast = time(fn);
  console.log(
    `${title.padEnd(42)} ${original[k].toFixed(1).padStart(6)} -> ${fast.toFixed(1).padStart(5)} ms (${(original[k] / fast).toFixed(1)}x faster)`,
  );
}

// This package's kernels with its SIMD modules off (what an engine without wasm SIMD runs: XNNPACK
// for the filter gradient, JS loops for the depthwise ones) and on.
const depthwise = { strides: 1, pad: 'same', dilations: 1 };
const [dwX, dwDy] = [tf.randomUniform([64, 28, 28, 16]), tf.randomUniform([64, 28, 28, 16])];
const simdCases: [string, () => tf.Tensor][] = [
  [
    'Conv2DBackpropFilter layer 1 (3x3x1x16)',
    kernelCall(
      'Conv2DBackpropFilter',
      { x: tf.randomUniform([64, 28, 28, 1]), dy: tf.randomUniform([64, 28, 28, 16]) },
      { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 1, 16] },
    ),
  ],
  [
    'depthwise dW [64,28,28,16] 3x3',
    kernelCall(
      'DepthwiseConv2dNativeBackpropFilter',
      { x: dwX, dy: dwDy },
      { ...depthwise, filterShape: [3, 3, 16, 1] },
    ),
  ],
  [
    'depthwise dx [64,28,28,16] 3x3',
    kernelCall(
      'DepthwiseConv2dNativeBackpropInput',
      { dy: dwDy, filter: tf.randomUniform([3, 3, 16, 1]) },
      { ...depthwise, inputShape: [64, 28, 28, 16] },
    ),
  ],
];
console.log('this package without -> with its wasm SIMD modules, median ms');
for (const [title, fn] of simdCases) {
  setSimdModulesEnabled(false);
  const without = time(fn);
  setSimdModulesEnabled(true);
  const withSimd = time(fn);
  console.log(
    `${title.padEnd(42)} ${without.toFixed(1).padStart(6)} -> ${withSimd.toFixed(1).padStart(5)} ms (${(without / withSimd).toFixed(1)}x faster)`,
  );
}

console.log('Conv2DBackpropFilter, median ms (ratio to this package on wasm)');
for (const [title, xShape, filterShape, stride] of cases) {
  const row: Record<string, number> = {};
  for (const method of ['wasm', 'wasm-conv3d', 'cpu'] as const) {
    if (method === 'wasm-conv3d' && stride !== 1) continue;
    if (method === 'cpu' && xShape[3] > 1 && process.argv.includes('--quick')) continue;
    await tf.setBackend(method === 'cpu' ? 'cpu' : 'wasm');
    const x = tf.randomUniform(xShape);
    const [oh, ow] = [Math.ceil(xShape[1] / stride), Math.ceil(xShape[2] / stride)];
    const dy = tf.randomUniform([xShape[0], oh, ow, filterShape[3]]);
    row[method] = time(
      () =>
        tf.tidy(() =>
          method === 'wasm-conv3d'
            ? (tf.engine().runKernel(
                'Conv3DBackpropFilterV2',
                {
                  x: tf.reshape(x, [xShape[0], 1, ...xShape.slice(1)]),
                  dy: tf.reshape(dy, [xShape[0], 1, oh, ow, filterShape[3]]),
                },
                { strides: [1, 1, 1], pad: 'same', filterShape: [1, ...filterShape] },
              ) as tf.Tensor)
            : (tf
                .engine()
                .runKernel(
                  'Conv2DBackpropFilter',
                  { x, dy },
                  { strides: stride, pad: 'same', dataFormat: 'NHWC', filterShape },
                ) as tf.Tensor),
        ),
      1500,
      method === 'cpu' ? 1 : 3,
    );
    tf.dispose([x, dy]);
  }
  const base = row.wasm;
  console.log(
    `${title.padEnd(24)} ${Object.entries(row)
      .map(([k, v]) => `${k} ${v.toFixed(1)} ms (${(v / base).toFixed(1)}x)`)
      .join('   ')}`,
  );
}

await tf.setBackend('cpu');
const train = await loadDataset({ split: 'train' });
let t0 = performance.now();
const { xs, ys } = toTensors(train);
console.log(`toTensors(60,000 train images) on cpu: ${(performance.now() - t0).toFixed(0)} ms`);
tf.dispose([xs, ys]);
t0 = performance.now();
let batches = 0;
await toTfDataset(train, { batchSize: 64, shuffle: true }).forEachAsync(({ xs, ys }) => {
  batches++;
  tf.dispose([xs, ys]);
});
const ms = performance.now() - t0;
console.log(
  `toTfDataset pass (${batches} shuffled batches of 64) on cpu: ${ms.toFixed(0)} ms, ${Math.round((train.count / ms) * 1000)} images/s`,
);
