// `pnpm start`: the tfjs baseline's command line, a thin wrapper around runNodeBaseline.
import { type BaselineProgress, formatProgress, PLAN } from '@fmnist-examples/baseline-kit';
import { Command, InvalidArgumentError, Option } from 'commander';
import { type NodeBaselineOptions, runNodeBaseline } from './nodeRun.ts';

const { quick, full } = PLAN;

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
};
const nonNegativeInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer >= 0');
  return n;
};
const positiveNumber = (value: string) => {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('expected a positive number');
  return n;
};

const program = new Command('tfjs-baseline')
  .description(
    'Train a TensorFlow.js MLP or CNN on Fashion-MNIST (or MNIST), evaluate it on the full test split, save the model and write the baseline result JSON.',
  )
  .addOption(new Option('--model <kind>', 'architecture').choices(['mlp', 'cnn']).default('mlp'))
  .option(
    '--epochs <n>',
    `passes over the training data (default, from the kit's PLAN: mlp ${full['tfjs-mlp'].epochs}, cnn ${full['tfjs-cnn'].epochs}; quick: mlp ${quick['tfjs-mlp'].epochs}, cnn ${quick['tfjs-cnn'].epochs})`,
    positiveInt,
  )
  .option(
    '--quick',
    `the comparison's quick plan: the first ${quick['tfjs-mlp'].trainSamples.toLocaleString('en')} training images, mlp ${quick['tfjs-mlp'].epochs} / cnn ${quick['tfjs-cnn'].epochs} epochs`,
  )
  .addOption(
    new Option('--dataset <id>', 'dataset')
      .choices(['fashion-mnist', 'mnist'])
      .default('fashion-mnist'),
  )
  .option('--out <file>', 'result JSON path (default results/tfjs-<dataset>-<model>[-quick].json)')
  .option('--backend <name>', 'force a backend: tensorflow-gpu, tensorflow, wasm or cpu')
  .option(
    '--threads <n>',
    'wasm: run the threaded SIMD build with N threads, 1-8 (default: the stock single-threaded build)',
    positiveInt,
  )
  .option(
    '--save-model <dir>',
    'folder for model.json + weights.bin (default results/tfjs-<dataset>-<model>[-quick]-model)',
  )
  .option('--no-save-model', 'do not save the model')
  .option('--train-samples <n>', 'use only the first N training images', positiveInt)
  .option(
    '--seed <n>',
    'seed for weights, dropout and shuffling',
    (v) => Number.parseInt(v, 10),
    42,
  )
  .option('--batch-size <n>', 'mini-batch size', positiveInt, 64)
  .option(
    '--learning-rate <x>',
    `Adam learning rate of the first epoch (default, from the kit's PLAN: full-run cnn ${full['tfjs-cnn'].learningRate}, otherwise 0.001)`,
    positiveNumber,
  )
  .option(
    '--decay <factor>',
    `learning rate multiplier per epoch, in (0, 1] (default, from the kit's PLAN: full-run cnn ${full['tfjs-cnn'].learningRateDecay}, otherwise 1)`,
    positiveNumber,
  )
  .option(
    '--max-shift <px>',
    'augment: shift each training image by up to N pixels each way, 0-8 (default 0: none)',
    nonNegativeInt,
  )
  .option(
    '--flip',
    'augment: mirror half of the training images left-right (Fashion-MNIST only: refused on digits)',
  )
  .option(
    '--data-dir <dir>',
    'folder with the four .gz files (default: FMNIST_DATA_DIR / FMNIST_MNIST_DIR, cache, download)',
  )
  .option('--progress-every <s>', 'seconds between progress lines', positiveNumber, 2);

program.parse();
const opts = program.opts();

let lastPrint = 0;
function report(p: BaselineProgress) {
  const now = performance.now();
  if (p.phase === 'train') {
    if (now - lastPrint < opts.progressEvery * 1000 && p.batch !== 1) return;
  } else if (p.phase !== 'epoch' && p.phase !== 'evaluate') return;
  if (p.phase === 'evaluate' && p.done > 0) return;
  lastPrint = now;
  console.log(formatProgress(p));
}

const options: NodeBaselineOptions = {
  model: opts.model,
  dataset: opts.dataset,
  epochs: opts.epochs,
  quick: opts.quick ?? false,
  trainSamples: opts.trainSamples,
  seed: opts.seed,
  batchSize: opts.batchSize,
  learningRate: opts.learningRate,
  learningRateDecay: opts.decay,
  augment:
    opts.maxShift || opts.flip
      ? { maxShift: opts.maxShift ?? 0, flip: opts.flip ?? false }
      : undefined,
  backend: opts.backend,
  threads: opts.threads,
  dataDir: opts.dataDir,
  out: opts.out,
  // commander: --no-save-model sets saveModel false; --save-model DIR sets a string; neither: true.
  saveModel: opts.saveModel === true ? undefined : opts.saveModel,
};

try {
  const started = performance.now();
  const { result } = await runNodeBaseline(options, {
    onProgress: report,
    onLog: (l) => console.log(l),
  });
  console.log(
    `${result.model} on ${result.dataset}: test accuracy ${(result.testAccuracy * 100).toFixed(2)}% ` +
      `(${result.trainSamples} x ${result.epochs} epochs in ${result.trainSeconds.toFixed(1)} s, ` +
      `${result.trainSamplesPerSecond} samples/s; inference ${result.inferenceImagesPerSecond} images/s; ` +
      `peak RSS ${result.peakRssMB} MB; total ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
}
