// The brain.js baseline run: convert with @fmnist/brain, build the network, train, evaluate, return the result.
// The Node CLI (main.ts), the browser page (page/main.ts) and the comparison call it with data
// they loaded themselves. Nothing here touches Node or the DOM, so the same code runs in both.
import { gpuMode, patchNeuralNetworkGPU, predictClasses, trainingChunksAsync } from '@fmnist/brain';
import { evaluate, mulberry32 } from '@fmnist/core';
import {
  type BaselineOptions,
  type BaselineResult,
  prefixOf,
  resolveTraining,
  roundTo,
  throwIfAborted,
} from '@fmnist-examples/baseline-kit';

/** The brain.js 2 module (`import * as brain from 'brain.js'`), injected by the caller. */
export type BrainModule = typeof import('brain.js');

/** Activation functions brain.js's `NeuralNetwork` offers (used in every layer, output included). */
export type BrainActivation = 'sigmoid' | 'relu' | 'leaky-relu' | 'tanh';

/**
 * Options for {@link runBrainBaseline}. Defaults are the settings of the recorded full run;
 * epochs and training images default to the kit's `PLAN` (`brain-mlp`), the seed to 0.
 */
export interface BrainBaselineOptions extends BaselineOptions {
  /** brain.js 2 module to train with. */
  brain: BrainModule;
  /** Version of that module, recorded as `frameworkVersion` (e.g. from its package.json). */
  frameworkVersion: string;
  /**
   * `'cpu'`: brain.js `NeuralNetwork` (plain JavaScript). `'gpu'`: `NeuralNetworkGPU` (gpu.js:
   * WebGL in a browser, headless `gl` in Node); it fails when gpu.js finds no GPU instead of
   * silently running gpu.js's slow JavaScript fallback, unless `allowGpuFallback` is set.
   */
  device: 'cpu' | 'gpu';
  /** Run `NeuralNetworkGPU` even when gpu.js falls back to JavaScript (recorded as `device: 'cpu'`). Default false. */
  allowGpuFallback?: boolean;
  /**
   * Apply `patchNeuralNetworkGPU` (brain.js 2.0.0-beta.24 cuts each training input to the first
   * hidden layer's size on the GPU). Default true; false only to demonstrate the bug.
   */
  patchGpu?: boolean;
  /** Hidden layer sizes. Default: the kit's `PLAN` row (full run `[128]`), else `[64]`. */
  hiddenLayers?: number[];
  /** Default `'sigmoid'`: relu/leaky-relu output units with brain.js's squared error trained far worse here. */
  activation?: BrainActivation;
  /** Learning rate of the first epoch. Default 0.1. */
  learningRate?: number;
  /**
   * Learning rate multiplier per epoch. Default: the kit's `PLAN` row (full run 0.6: 0.1, 0.06,
   * 0.036, 0.0216), else 0.5 (0.1, 0.05, 0.025, ...).
   */
  learningRateDecay?: number;
  /** brain.js momentum (must be in (0, 1)). Default: the kit's `PLAN` row (full run 0.5), else 0.1. */
  momentum?: number;
  /** Samples per `net.train()` call. Default 5000. */
  chunkSize?: number;
}

/** The baseline result JSON, with the brain.js settings recorded beside the shared fields. */
export interface BrainBaselineResult extends BaselineResult {
  networkClass: 'NeuralNetwork' | 'NeuralNetworkGPU';
  gpuJsMode: string | null;
  gpuInputPatched: boolean | null;
  hiddenLayers: number[];
  activation: BrainActivation;
  learningRate: number;
  learningRateDecay: number;
  momentum: number;
  chunkSize: number;
}

const GPU_MODES = new Set(['webgl', 'webgl2', 'headlessgl', 'gpu']);

/**
 * Trains an MLP with brain.js on the training split and evaluates it on the test split.
 *
 * brain.js trains one sample at a time (SGD with momentum, squared error, the activation in every
 * layer) and never shuffles, so the data comes in chunks of `chunkSize` in a fresh seeded order
 * each epoch (`trainingChunksAsync`), one `net.train(chunk, { iterations: 1 })` per chunk, with the
 * learning rate decayed per epoch. brain.js draws its initial weights from `Math.random` with no
 * seed option, so the network is initialized while `Math.random` is swapped for `mulberry32(seed)`:
 * CPU runs with the same options give the same weights and the same result. The seed is the
 * seed of the weights and of the epochs' orders (epoch `e` uses `seed + e`).
 *
 * @returns The shared baseline result JSON plus the brain.js settings.
 * @throws FmnistError `ABORTED` when `options.signal` fires (checked after every chunk).
 */
export async function runBrainBaseline(
  options: BrainBaselineOptions,
): Promise<BrainBaselineResult> {
  const started = now();
  const progress = options.onProgress ?? (() => {});
  const {
    brain,
    activation = 'sigmoid',
    learningRate = 0.1,
    chunkSize = 5000,
    seed = 0,
    normalize = 'scale',
    signal,
  } = options;
  // 1. The settings: the kit's plan unless the options say otherwise.
  const plan = resolveTraining('brain-mlp', options);
  const hiddenLayers = options.hiddenLayers ?? [...(plan.hiddenLayers ?? [64])];
  const what = `brain.js mlp-${hiddenLayers.join('-')}`;
  throwIfAborted(signal, what);
  const { epochs } = plan;
  const learningRateDecay = options.learningRateDecay ?? plan.learningRateDecay ?? 0.5;
  const momentum = options.momentum ?? plan.momentum ?? 0.1;
  const train = prefixOf(options.train, plan.trainSamples);
  const test = prefixOf(options.test, options.testSamples);
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new Error(`epochs must be a positive integer, got ${epochs}`);
  if (train.count === 0 || test.count === 0) throw new Error('No training or test samples.');

  const numClasses = train.classNames.length;
  const inputSize = train.imageShape[0] * train.imageShape[1];
  const netOptions = {
    inputSize,
    outputSize: numClasses,
    hiddenLayers,
    activation,
    learningRate,
    momentum,
  };
  // 2. The network: CPU NeuralNetwork, or NeuralNetworkGPU on gpu.js.
  const useGpu = options.device === 'gpu';
  const net = useGpu
    ? new brain.NeuralNetworkGPU<Float32Array, Float32Array>(netOptions)
    : new brain.NeuralNetwork<Float32Array, Float32Array>(netOptions);
  if (useGpu && options.patchGpu !== false) patchNeuralNetworkGPU(net);
  const mode = useGpu ? (gpuMode(net) ?? 'unknown') : null;
  const onGpu = mode !== null && GPU_MODES.has(mode);
  if (useGpu && !onGpu && !options.allowGpuFallback) {
    throw new Error(
      `NeuralNetworkGPU was asked for, but gpu.js found no GPU (mode "${mode}"). In Node, gpu.js needs the native \`gl\` package built (and a display); in a browser, WebGL. Use device "cpu".`,
    );
  }
  const backend = useGpu ? `gpu.js-${mode}` : 'cpu';
  const device = onGpu ? 'gpu' : 'cpu';
  initializeSeeded(net, seed);
  const networkClass = useGpu ? 'NeuralNetworkGPU' : 'NeuralNetwork';
  progress({ phase: 'backend', backend, status: 'ready', device, detail: networkClass });

  // 3. Train: @fmnist/brain hands out the shuffled chunks, one net.train() per chunk.
  const trainStart = now();
  const batches = Math.ceil(train.count / chunkSize);
  const rateSoFar = (epoch: number, done: number) =>
    (epoch * train.count + done) / Math.max(1e-9, now() - trainStart);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const rate = learningRate * learningRateDecay ** epoch;
    if (useGpu && epoch > 0) rebuildGpuUpdateKernels(net, rate, momentum);
    let done = 0;
    let batch = 0;
    let loss: number | undefined;
    for await (const chunk of trainingChunksAsync(train, {
      chunkSize,
      shuffle: true,
      seed: seed + epoch,
      normalize,
    })) {
      const status = net.train(chunk.data, {
        iterations: 1,
        // brain.js rejects 0; this only keeps it from stopping early.
        errorThresh: 1e-9,
        learningRate: rate,
        momentum,
        activation,
      });
      done += chunk.size;
      batch++;
      // The GPU network does not read its error back (that would cost a GPU round trip).
      loss = useGpu ? undefined : status.error;
      progress({
        phase: 'train',
        epoch: epoch + 1,
        epochs,
        batch,
        batches,
        done,
        total: train.count,
        loss,
        samplesPerSecond: rateSoFar(epoch, done),
        seconds: now() - trainStart,
      });
      throwIfAborted(signal, what);
    }
    progress({
      phase: 'epoch',
      epoch: epoch + 1,
      epochs,
      loss,
      samplesPerSecond: rateSoFar(epoch + 1, 0),
      seconds: now() - trainStart,
    });
  }
  const trainSeconds = now() - trainStart;
  // Kernels exist now, so the mode can be read from their context even when class names are minified.
  const finalMode = useGpu ? (gpuMode(net) ?? mode) : null;

  // 4. Evaluate on the test split.
  const testStart = now();
  const predictions = predictClasses(net, test, {
    normalize,
    onProgress: (done, total) =>
      progress({ phase: 'evaluate', done, total, seconds: now() - testStart }),
  });
  const testSeconds = now() - testStart;
  throwIfAborted(signal, what);
  const { accuracy, perClassAccuracy, confusionMatrix } = evaluate(
    test.labels,
    predictions,
    numClasses,
  );

  // 5. The result JSON.
  const result: BrainBaselineResult = {
    framework: 'brain.js',
    frameworkVersion: options.frameworkVersion,
    runtime: options.runtime,
    backend: useGpu ? `gpu.js-${finalMode}` : backend,
    device,
    dataset: train.dataset,
    // Same vocabulary as the other baselines ('mlp-128'); layer sizes and activation are below.
    model: `mlp-${hiddenLayers.join('-')}`,
    seed,
    trainSamples: train.count,
    testSamples: test.count,
    epochs,
    testAccuracy: accuracy,
    perClassAccuracy,
    confusionMatrix,
    trainSeconds: roundTo(trainSeconds, 3),
    trainSamplesPerSecond: roundTo((train.count * epochs) / trainSeconds, 3),
    inferenceImagesPerSecond: roundTo(test.count / testSeconds, 3),
    // NaN (null in JSON) where the caller cannot measure memory.
    peakRssMB: roundTo(options.peakRssMB?.() ?? Number.NaN, 3),
    networkClass,
    gpuJsMode: finalMode,
    gpuInputPatched: useGpu ? options.patchGpu !== false : null,
    hiddenLayers,
    activation,
    learningRate,
    learningRateDecay,
    momentum,
    chunkSize,
    normalize,
    ...options.extra,
  };
  progress({ phase: 'done', testAccuracy: accuracy, seconds: now() - started });
  return result;
}

/** Builds the network's weights with `Math.random` temporarily replaced by a seeded generator. */
function initializeSeeded(net: { initialize(): void }, seed: number): void {
  const original = Math.random;
  Math.random = mulberry32(seed);
  try {
    net.initialize();
  } finally {
    Math.random = original;
  }
}

/**
 * `NeuralNetworkGPU` bakes learning rate and momentum into its update kernels when it builds them,
 * so a new rate passed to `train()` would be ignored: rebuild those kernels with the new rate.
 */
function rebuildGpuUpdateKernels(net: object, learningRate: number, momentum: number): void {
  const gpuNet = net as {
    trainOpts: { learningRate: number; momentum: number };
    buildGetChanges(): void;
    buildChangeBiases(): void;
  };
  gpuNet.trainOpts.learningRate = learningRate;
  gpuNet.trainOpts.momentum = momentum;
  gpuNet.buildGetChanges();
  gpuNet.buildChangeBiases();
}

function now(): number {
  return performance.now() / 1000;
}
