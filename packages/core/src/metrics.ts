import { FmnistError } from './errors.ts';

/**
 * The predicted class of each row of a row-major `count x numClasses` score matrix (logits or
 * probabilities). Ties go to the lowest class id; a NaN score is never chosen over a number.
 *
 * @param scores `count * numClasses` numbers, e.g. a model output's `dataSync()`.
 * @param count Number of rows.
 * @param numClasses Row width, 1 to 256 (the result is a `Uint8Array`).
 * @throws FmnistError `INVALID_ARGUMENT` for bad sizes or `scores.length !== count * numClasses`.
 */
export function argmax(scores: ArrayLike<number>, count: number, numClasses: number): Uint8Array {
  if (!Number.isInteger(count) || count < 0) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `argmax: count must be a non-negative integer, got ${String(count)}.`,
    );
  }
  if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > 256) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `argmax: numClasses must be an integer from 1 to 256, got ${String(numClasses)}.`,
    );
  }
  if (scores === null || typeof scores !== 'object' || scores.length !== count * numClasses) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `argmax: expected ${count * numClasses} scores (count ${count} * numClasses ${numClasses}), got ${
        scores === null || typeof scores !== 'object' ? 'none' : scores.length
      }.`,
      { details: { expected: count * numClasses } },
    );
  }
  const result = new Uint8Array(count);
  for (let row = 0; row < count; row++) {
    const base = row * numClasses;
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < numClasses; c++) {
      const score = scores[base + c];
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    result[row] = best;
  }
  return result;
}

/** What {@link evaluate} returns. */
export interface Evaluation {
  /** Share of samples whose prediction equals the label, from 0 to 1. */
  accuracy: number;
  /** Accuracy among the samples of each true class; `NaN` for a class with no samples. */
  perClassAccuracy: number[];
  /** `confusionMatrix[trueClass][predictedClass]` = number of samples. */
  confusionMatrix: number[][];
}

/**
 * Accuracy, per-class accuracy and the confusion matrix of predictions against labels.
 *
 * @param labels True class ids.
 * @param predictions Predicted class ids (e.g. from {@link argmax}), same length as `labels`.
 * @param numClasses Number of classes. Default 10.
 * @throws FmnistError `INVALID_ARGUMENT` for different lengths, no samples, or an id that is not an
 *   integer below `numClasses`.
 */
export function evaluate(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  numClasses = 10,
): Evaluation {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `evaluate: numClasses must be a positive integer, got ${String(numClasses)}.`,
    );
  }
  if (labels.length !== predictions.length) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `evaluate: ${labels.length} labels but ${predictions.length} predictions.`,
    );
  }
  if (labels.length === 0) {
    throw new FmnistError('INVALID_ARGUMENT', 'evaluate: there are no samples to evaluate.');
  }
  const confusionMatrix = Array.from({ length: numClasses }, () =>
    new Array<number>(numClasses).fill(0),
  );
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const truth = labels[i];
    const predicted = predictions[i];
    for (const [name, value] of [
      ['label', truth],
      ['prediction', predicted],
    ] as const) {
      if (!Number.isInteger(value) || value < 0 || value >= numClasses) {
        throw new FmnistError(
          'INVALID_ARGUMENT',
          `evaluate: ${name} ${String(value)} at index ${i} is not a class id below ${numClasses}.`,
          { details: { index: i, [name]: value } },
        );
      }
    }
    confusionMatrix[truth][predicted]++;
    if (truth === predicted) correct++;
  }
  const perClassAccuracy = confusionMatrix.map((row, c) => {
    const n = row.reduce((a, b) => a + b, 0);
    return n === 0 ? Number.NaN : row[c] / n;
  });
  return { accuracy: correct / labels.length, perClassAccuracy, confusionMatrix };
}

/**
 * One training run's result, as the `examples/*-baseline` programs write it to JSON so that runs of
 * different frameworks can be compared. Extra fields are allowed.
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
