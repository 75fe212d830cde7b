// The brain.js baseline as a reusable function: the Node CLI (main.ts), the browser page
// (page/main.ts) and any compare runner call it with data they loaded themselves. Nothing here
// touches Node or the DOM, so the same code runs in both.
import { gpuMode, patchNeuralNetworkGPU, predictClasses, trainingChunksAsync } from '@fmnist/brain';
import { type BaselineResult, type DatasetSplit, evaluate, mulberry32, subset } from '@fmnist/core';

/** The brain.js 2 module (`import * as brain from 'brain.js'`), injected by the caller. */
export type BrainModule = typeof import('brain.js');

/** Activation functions brain.js's `NeuralNetwork` offers (used in every layer, output included). */
export type BrainActivation = 'sigmoid' | 'relu' | 'leaky-relu' | 'tanh';

/** Options for {@link runBrainBaseline}. Defaults are the settings of the recorded full run. */
export interface BrainBaselineOptions {
  /** brain.js 2 module to train with. */
  brain: BrainModule;
  /** Version of that module, recorded as `frameworkVersion` (e.g. from its package.json). */
  frameworkVersion: string;
  /** Where this runs; recorded. */
  runtime: 'node' | 'browser';
  /** Training split (the first `trainSamples` are used). */
  train: DatasetSplit;
  /** Test split (the first `testSamples` are evaluated). */
  test: DatasetSplit;
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
  /** Hidden layer sizes. Default `[64]`. */
  hiddenLayers?: number[];
  /** Default `'sigmoid'`: relu/leaky-relu output units with brain.js's squared error trained far worse here. */
  activation?: BrainActivation;
  /** Learning rate of the first epoch. Default 0.1. */
  learningRate?: number;
  /** Learning rate multiplier per epoch. Default 0.5 (0.1, 0.05, 0.025). */
  learningRateDecay?: number;
  /** brain.js momentum (must be in (0, 1)). Default 0.1. */
  momentum?: number;
  /** Passes over the training samples. Default 3. */
  epochs?: number;
  /** Number of training samples (from the start of `train`). Default all. */
  trainSamples?: number;
  /** Number of test samples (from the start of `test`). Default all. */
  testSamples?: number;
  /** Samples per `net.train()` call. Default 5000. */
  chunkSize?: number;
  /** Seed for the per-epoch shuffles (epoch `e` uses `seed + e`) and the initial weights. Default 0. */
  seed?: number;
  /** Recorded as-is in the result (e.g. `{ brainEntry, quick }`). */
  extra?: Record<string, unknown>;
}

/** Progress reports from {@link runBrainBaseline}. */
export interface BrainBaselineProgress {
  phase: 'train' | 'test';
  /** 1-based epoch (train phase). */
  epoch: number;
  epochs: number;
  /** Samples done in this phase (this epoch while training). */
  done: number;
  total: number;
  /** Seconds since this phase started. */
  seconds: number;
  /** brain.js's mean squared error over the last chunk (train phase, CPU network only). */
  error?: number;
}

/** Hooks for {@link runBrainBaseline}. */
export interface BrainBaselineHooks {
  onProgress?: (progress: BrainBaselineProgress) => void;
  /** Called once the network exists, with what was chosen (before training starts). */
  onStart?: (info: { networkClass: string; backend: string; device: 'cpu' | 'gpu' }) => void;
  /** Peak memory in MB, recorded as `peakRssMB`. Default: NaN (written as null in JSON). */
  peakRssMB?: () => number;
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
 * CPU runs with the same options give the same weights and the same result.
 *
 * @returns The shared baseline result JSON plus the brain.js settings.
 */
export async function runBrainBaseline(
  options: BrainBaselineOptions,
  hooks: BrainBaselineHooks = {},
): Promise<BrainBaselineResult> {
  const {
    brain,
    hiddenLayers = [64],
    activation = 'sigmoid',
    learningRate = 0.1,
    learningRateDecay = 0.5,
    momentum = 0.1,
    epochs = 3,
    chunkSize = 5000,
    seed = 0,
  } = options;
  const train = subset(options.train, {
    count: Math.min(options.trainSamples ?? Infinity, options.train.count),
  });
  const test = subset(options.test, {
    count: Math.min(options.testSamples ?? Infinity, options.test.count),
  });
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
  hooks.onStart?.({ networkClass: useGpu ? 'NeuralNetworkGPU' : 'NeuralNetwork', backend, device });

  const trainStart = now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const rate = learningRate * learningRateDecay ** epoch;
    if (useGpu && epoch > 0) rebuildGpuUpdateKernels(net, rate, momentum);
    let done = 0;
    for await (const chunk of trainingChunksAsync(train, {
      chunkSize,
      shuffle: true,
      seed: seed + epoch,
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
      hooks.onProgress?.({
        phase: 'train',
        epoch: epoch + 1,
        epochs,
        done,
        total: train.count,
        seconds: now() - trainStart,
        error: useGpu ? undefined : status.error,
      });
    }
  }
  const trainSeconds = now() - trainStart;
  // Kernels exist now, so the mode can be read from their context even when class names are minified.
  const finalMode = useGpu ? (gpuMode(net) ?? mode) : null;

  const testStart = now();
  const predictions = predictClasses(net, test, {
    onProgress: (done, total) =>
      hooks.onProgress?.({
        phase: 'test',
        epoch: epochs,
        epochs,
        done,
        total,
        seconds: now() - testStart,
      }),
  });
  const testSeconds = now() - testStart;
  const { accuracy, perClassAccuracy, confusionMatrix } = evaluate(
    test.labels,
    predictions,
    numClasses,
  );

  return {
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
    trainSeconds: round(trainSeconds),
    trainSamplesPerSecond: round((train.count * epochs) / trainSeconds),
    inferenceImagesPerSecond: round(test.count / testSeconds),
    peakRssMB: round(hooks.peakRssMB?.() ?? Number.NaN),
    networkClass: useGpu ? 'NeuralNetworkGPU' : 'NeuralNetwork',
    gpuJsMode: finalMode,
    gpuInputPatched: useGpu ? options.patchGpu !== false : null,
    hiddenLayers,
    activation,
    learningRate,
    learningRateDecay,
    momentum,
    chunkSize,
    ...options.extra,
  };
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

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
