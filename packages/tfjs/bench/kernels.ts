// The wasm training kernels on the baseline CNN's shapes (batch 64): Conv2DBackpropInput before and
// after registerWasmTrainingKernels() wraps it; Conv2DBackpropFilter (a forward XNNPACK
// convolution) against the wasm binary's own Conv3DBackpropFilterV2 on depth-1 views (the naive
// route, stride 1 only: it is wrong for larger strides) and the cpu backend's kernel. Then the
// adapter's conversions. `pnpm bench` in packages/tfjs (`--quick` skips the slowest cpu cases).
import { loadDataset } from '@fmnist/core/node';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { toTensors, toTfDataset } from '../src/index.ts';
import { registerWasmTrainingKernels } from '../src/wasm-kernels/index.ts';

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
async function time(fn: () => tf.Tensor, budgetMs = 1500, minRuns = 3): Promise<number> {
  if (minRuns > 1) tf.dispose(fn());
  const samples: number[] = [];
  const start = performance.now();
  while (
    samples.length < minRuns ||
    (performance.now() - start < budgetMs && samples.length < 50)
  ) {
    const t0 = performance.now();
    const out = fn();
    await out.data();
    samples.push(performance.now() - t0);
    out.dispose();
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

// dx of the baseline CNN's second convolution, with the wasm backend's own kernel, then wrapped.
await tf.setBackend('wasm');
const dxOf = () => {
  const dy = tf.randomUniform([64, 14, 14, 32]);
  const filter = tf.randomUniform([3, 3, 16, 32]);
  return () =>
    tf
      .engine()
      .runKernel(
        'Conv2DBackpropInput',
        { dy, filter },
        { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [64, 14, 14, 16] },
      ) as tf.Tensor;
};
const dxArgs = dxOf();
const originalDx = await time(dxArgs);
registerWasmTrainingKernels();
const fastDx = await time(dxArgs);
console.log(
  `Conv2DBackpropInput, baseline CNN layer 2 on wasm: tfjs-backend-wasm ${originalDx.toFixed(1)} ms, ` +
    `this package ${fastDx.toFixed(1)} ms (${(originalDx / fastDx).toFixed(1)}x faster)`,
);

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
    row[method] = await time(
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
