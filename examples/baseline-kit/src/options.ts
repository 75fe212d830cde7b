// Baseline options: the part of every baseline's options that all of them share.
import type { DatasetSplit, Normalize } from '@fmnist/core';
import type { BaselineProgress } from './progress.ts';

/**
 * What every training baseline takes. Each baseline extends it with its framework's settings
 * (`runTfjsBaseline`'s backend and model, `runBrainBaseline`'s brain.js module); the data and the
 * active backend always come in, so the same function runs in Node, in a page and in a comparison.
 */
export interface BaselineOptions {
  /** Training split; only its first `trainSamples` images are used. */
  train: DatasetSplit;
  /** Test split; only its first `testSamples` images are evaluated. */
  test: DatasetSplit;
  /** Where this runs, recorded in the result. */
  runtime: 'node' | 'browser';
  /** Passes over the training samples. Default: the baseline's row of `PLAN` for the mode. */
  epochs?: number;
  /** Mode `'quick'` of `PLAN` (a 10,000-image prefix, a few epochs) instead of `'full'`. Default false. */
  quick?: boolean;
  /** Train on the first N images. Default: `PLAN` for the mode (quick 10,000, full all). */
  trainSamples?: number;
  /** Evaluate the first N test images. Default all. */
  testSamples?: number;
  /** Seed of weights, shuffles and dropout. Default: the baseline's own (tfjs 42, brain.js 0). */
  seed?: number;
  /** Pixel normalisation. Default `'scale'` (`x / 255`). */
  normalize?: Normalize;
  /**
   * Stops the run between batches; the promise then rejects with an `FmnistError` of code
   * `'ABORTED'`. The comparison turns Ctrl-C into this.
   */
  signal?: AbortSignal;
  /** Called with every {@link BaselineProgress}, in the order that type documents. */
  onProgress?: (progress: BaselineProgress) => void;
  /** Peak memory of the process in MB where the platform can tell (Node: maxRSS). Default 0. */
  peakRssMB?: () => number;
  /** Extra fields copied into the result (e.g. `backendPackage`, `nodeVersion`). */
  extra?: Record<string, unknown>;
}

/** The options of a baseline that only evaluates a trained model (the ONNX one). */
export type InferenceBaselineOptions = Omit<
  BaselineOptions,
  'train' | 'epochs' | 'trainSamples' | 'seed'
>;
