// The baseline result: the one JSON shape every baseline writes, and the list of its fields.

/**
 * The result JSON every baseline writes (tfjs, onnxruntime, brain.js), so that one comparison can
 * read them all. Moved here from `@fmnist/core`: only the baselines and the comparison use it.
 */
export interface BaselineResult {
  /** Framework name, e.g. `'tfjs'`, `'onnxruntime-web'`, `'brain.js'`. */
  framework: string;
  /** Version of the framework package that ran. */
  frameworkVersion: string;
  /** Where it ran. */
  runtime: 'node' | 'browser';
  /** Framework backend, e.g. `'tensorflow'`, `'wasm'`, `'webgl'`, `'cpu'`. */
  backend: string;
  /** Whether the backend used a GPU. */
  device: 'gpu' | 'cpu';
  /** Dataset id, e.g. `'fashion-mnist'`. */
  dataset: string;
  /** Short model name, e.g. `'mlp-128'` or `'cnn-small'`. */
  model: string;
  /** Seed for shuffling and weight initialisation. */
  seed: number;
  /** Number of training samples used. */
  trainSamples: number;
  /** Number of test samples evaluated. */
  testSamples: number;
  /** Number of passes over the training samples. */
  epochs: number;
  /** Share of test samples classified correctly, from 0 to 1. */
  testAccuracy: number;
  /** Test accuracy per true class, in label order (10 entries for Fashion-MNIST). */
  perClassAccuracy: number[];
  /** Test confusion matrix, `[trueClass][predictedClass]` counts. */
  confusionMatrix: number[][];
  /** Wall-clock seconds spent training. */
  trainSeconds: number;
  /** Training throughput: `trainSamples * epochs / trainSeconds`. */
  trainSamplesPerSecond: number;
  /** Inference throughput on the test set, images per second. */
  inferenceImagesPerSecond: number;
  /** Peak resident memory of the process in MB (Node: `process.resourceUsage().maxRSS / 1024`). */
  peakRssMB: number;
  /**
   * Threads the backend computed with, where the baseline knows it: tfjs wasm
   * `getThreadsCount()`, onnxruntime-web `numThreads`; absent (or null) where the runtime sizes
   * its own pools (tfjs-node, onnxruntime-node, brain.js).
   */
  threads?: number | null;
  /** Anything else a baseline wants to record. */
  [key: string]: unknown;
}

/**
 * The fields every baseline result JSON carries, in the order the shared shape lists them: what a
 * test or a report checks to know that a result is complete.
 */
export const BASELINE_RESULT_FIELDS = [
  'framework',
  'frameworkVersion',
  'runtime',
  'backend',
  'device',
  'dataset',
  'model',
  'seed',
  'trainSamples',
  'testSamples',
  'epochs',
  'testAccuracy',
  'perClassAccuracy',
  'confusionMatrix',
  'trainSeconds',
  'trainSamplesPerSecond',
  'inferenceImagesPerSecond',
  'peakRssMB',
] as const satisfies readonly (keyof BaselineResult)[];
