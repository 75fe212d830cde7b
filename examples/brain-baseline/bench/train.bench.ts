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
