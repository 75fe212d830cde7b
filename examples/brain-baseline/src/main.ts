// `pnpm start [--quick] [--dataset mnist] [--out FILE] [--device cpu|gpu]`: the brain.js baseline's command line.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadDataset } from '@fmnist/core/node';
import { formatProgress, formatResult, PLAN } from '@fmnist-examples/baseline-kit';
import { peakRssMB, writeFileAtomically } from '@fmnist-examples/baseline-kit/node';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadBrain, nodeHasGpu } from './loadBrain.ts';
import { type BrainActivation, type BrainBaselineOptions, runBrainBaseline } from './train.ts';

const quick = PLAN.quick['brain-mlp'];
const full = PLAN.full['brain-mlp'];

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function rate(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('expected a number between 0 and 1');
  return n;
}

const program = new Command()
  .name('brain-baseline')
  .description(
    'Train a brain.js MLP on Fashion-MNIST (or MNIST) and write the baseline result JSON.',
  )
  .option(
    '--quick',
    `the kit's quick plan: the first ${quick.trainSamples.toLocaleString('en')} training images, ${quick.epochs} epochs`,
    false,
  )
  .addOption(
    new Option('--dataset <id>', 'dataset')
      .choices(['fashion-mnist', 'mnist'])
      .default('fashion-mnist'),
  )
  .option('--out <file>', 'result JSON path (default results/brain-<dataset>[-quick].json)')
  .addOption(
    new Option(
      '--device <device>',
      'cpu: NeuralNetwork; gpu: NeuralNetworkGPU (needs a GPU for gpu.js); auto: gpu only if gpu.js finds one',
    )
      .choices(['auto', 'cpu', 'gpu'])
      .default('auto'),
  )
  .option(
    '--epochs <n>',
    `passes over the training set (default, from the kit's PLAN: ${full.epochs}, ${quick.epochs} with --quick)`,
    positiveInt,
  )
  .option(
    '--hidden <sizes>',
    `hidden layer sizes, comma-separated (default, from the kit's PLAN: ${full.hiddenLayers.join(',')}, 64 with --quick)`,
  )
  .addOption(
    new Option('--activation <name>', 'activation of every layer')
      .choices(['sigmoid', 'relu', 'leaky-relu', 'tanh'])
      .default('sigmoid'),
  )
  .addOption(
    new Option(
      '--normalize <mode>',
      "pixels as floats: scale (x / 255) or standardize (the dataset's mean and std)",
    )
      .choices(['scale', 'standardize'])
      .default('scale'),
  )
  .option('--learning-rate <rate>', 'learning rate of the first epoch', rate, 0.1)
  .option(
    '--decay <factor>',
    `learning rate multiplier per epoch (default, from the kit's PLAN: ${full.learningRateDecay}; 0.5 with --quick)`,
    rate,
  )
  .option(
    '--momentum <m>',
    `momentum (default, from the kit's PLAN: ${full.momentum}; 0.1 with --quick)`,
    rate,
  )
  .option('--train-samples <n>', 'use only the first n training samples', positiveInt)
  .option('--test-samples <n>', 'evaluate only the first n test samples', positiveInt)
  .option('--chunk-size <n>', 'samples per net.train() call', positiveInt, 5000)
  .option('--seed <n>', 'shuffle and weight seed', (v) => Number(v), 0);

async function main(): Promise<void> {
  program.parse();
  const opts = program.opts<{
    quick: boolean;
    dataset: 'fashion-mnist' | 'mnist';
    out?: string;
    device: 'auto' | 'cpu' | 'gpu';
    epochs?: number;
    hidden?: string;
    activation: BrainActivation;
    normalize: 'scale' | 'standardize';
    learningRate: number;
    decay?: number;
    momentum?: number;
    trainSamples?: number;
    testSamples?: number;
    chunkSize: number;
    seed: number;
  }>();
  const hiddenLayers = opts.hidden?.split(',').map((s) => positiveInt(s.trim()));

  const loaded = await loadBrain();
  console.log(`brain.js ${loaded.version} loaded from ${loaded.entry}`);
  if (loaded.mainError) {
    console.log(
      `  (main entry failed: ${loaded.mainError}\n   -> gpu.js has no headless GL in this Node; NeuralNetworkGPU would fall back to JavaScript)`,
    );
  }
  const device = opts.device === 'auto' ? (nodeHasGpu(loaded.brain) ? 'gpu' : 'cpu') : opts.device;
  console.log(`device: ${device}${opts.device === 'auto' ? ' (auto)' : ' (forced)'}`);

  const loadStart = performance.now();
  const [train, test] = await Promise.all([
    loadDataset({ dataset: opts.dataset, split: 'train' }),
    loadDataset({ dataset: opts.dataset, split: 'test' }),
  ]);
  console.log(
    `loaded ${train.count} + ${test.count} ${opts.dataset} images in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`,
  );

  const options: BrainBaselineOptions = {
    brain: loaded.brain,
    frameworkVersion: loaded.version,
    runtime: 'node',
    train,
    test,
    device,
    hiddenLayers,
    activation: opts.activation,
    normalize: opts.normalize,
    learningRate: opts.learningRate,
    learningRateDecay: opts.decay,
    momentum: opts.momentum,
    quick: opts.quick,
    epochs: opts.epochs,
    trainSamples: opts.trainSamples,
    testSamples: opts.testSamples,
    chunkSize: opts.chunkSize,
    seed: opts.seed,
    extra: {
      quick: opts.quick,
      requestedDevice: opts.device,
      brainEntry: loaded.entry,
      nodeVersion: process.version,
      command: `pnpm start ${process.argv.slice(2).join(' ')}`.trim(),
      date: new Date().toISOString(),
    },
  };
  let lastLine = 0;
  const result = await runBrainBaseline({
    ...options,
    onProgress: (p) => {
      if (p.phase === 'backend') {
        console.log(`network: ${p.detail}, backend ${p.backend}, device ${p.device}`);
        return;
      }
      if (p.phase !== 'train' && p.phase !== 'evaluate') return;
      const final = p.done === p.total;
      if (!final && performance.now() - lastLine < 5000) return;
      lastLine = performance.now();
      console.log(`  ${formatProgress(p)} (${p.seconds.toFixed(1)} s)`);
    },
    peakRssMB,
  });

  const out =
    opts.out ?? path.join('results', `brain-${opts.dataset}${opts.quick ? '-quick' : ''}.json`);
  mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  await writeFileAtomically(out, formatResult(result));
  console.log(
    `test accuracy ${(result.testAccuracy * 100).toFixed(2)}% | train ${result.trainSeconds.toFixed(1)} s (${Math.round(result.trainSamplesPerSecond)} samples/s) | inference ${Math.round(result.inferenceImagesPerSecond)} images/s | peak RSS ${Math.round(result.peakRssMB)} MB`,
  );
  console.log(`wrote ${out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
