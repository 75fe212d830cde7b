// `pnpm bench`: brain.js CPU training throughput (Node) for the MLP shape the tfjs bench also
// measures, 784-[64]-10. brain.js trains one sample at a time (no batches), so samples/s is its
// natural unit. Options: --samples N (default 5000), --iterations N (default 2), --hidden N (64).
import { predictClasses, toBrainTrainingSet } from '@fmnist/brain';
import { subset } from '@fmnist/core';
import { loadDataset } from '@fmnist/core/node';
import { loadBrain } from '../src/loadBrain.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const samples = arg('samples', 5000);
const iterations = arg('iterations', 2);
const hidden = arg('hidden', 64);

const { brain, version, entry } = await loadBrain();
const train = subset(await loadDataset({ split: 'train' }), { count: samples });
const test = subset(await loadDataset({ split: 'test' }), { count: 2000 });
const data = toBrainTrainingSet(train, { shuffle: true, seed: 0 });
const options = { iterations, errorThresh: 1e-9, learningRate: 0.1, momentum: 0.1 };

const net = new brain.NeuralNetwork<Float32Array, Float32Array>({ hiddenLayers: [hidden] });
// Warm-up: the first train() builds brain.js's lookup tables and lets V8 optimize the loops.
net.train(data.slice(0, 500), { ...options, iterations: 1 });

const start = performance.now();
net.train(data, options);
const seconds = (performance.now() - start) / 1000;

const inferStart = performance.now();
predictClasses(net, test);
const inferSeconds = (performance.now() - inferStart) / 1000;

const shape = `784-[${hidden}]-10`;
console.log(
  `brain.js ${version} (${entry}) NeuralNetwork, CPU, Node ${process.version}, MLP ${shape} sigmoid, per-sample SGD:`,
);
console.log(
  `  brain.js CPU training: ${Math.round((samples * iterations) / seconds)} samples/s (${samples} samples x ${iterations} iterations in ${seconds.toFixed(2)} s)`,
);
console.log(
  `  brain.js CPU inference (net.run per image): ${Math.round(test.count / inferSeconds)} images/s`,
);

// The same MLP shape in TensorFlow.js (wasm backend, the one the tfjs baseline uses in Node), on
// the same samples: once with per-sample SGD like brain.js, once with tfjs's usual batches of 64.
const tf = await import('@tensorflow/tfjs');
await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend('wasm');
await tf.ready();
const xs = tf.tensor2d(
  data.flatMap((d) => Array.from(d.input as Float32Array)),
  [samples, 784],
);
const ys = tf.oneHot(tf.tensor1d(Array.from(train.labels), 'int32'), 10);
const brainRate = (samples * iterations) / seconds;
for (const batchSize of [1, 64]) {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: hidden, activation: 'sigmoid', inputShape: [784] }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  // Per-sample SGD in tfjs is slow: time one pass over at most 2,000 samples for batch 1.
  const n = batchSize === 1 ? Math.min(samples, 2000) : samples;
  const x = xs.slice(0, n);
  const y = ys.slice(0, n);
  await model.fit(x.slice(0, Math.min(n, 256)), y.slice(0, Math.min(n, 256)), {
    batchSize,
    epochs: 1,
    verbose: 0,
  });
  const t = performance.now();
  await model.fit(x, y, { batchSize, epochs: 1, verbose: 0, shuffle: false });
  const rate = n / ((performance.now() - t) / 1000);
  console.log(
    `  tfjs ${tf.version.tfjs} wasm, same MLP, batch ${String(batchSize).padEnd(2)}: ${Math.round(rate)} samples/s (${(rate / brainRate).toFixed(2)}x brain.js)`,
  );
  tf.dispose([x, y]);
  model.dispose();
}
tf.dispose([xs, ys]);
