// Metrics: argmax and decoding of score rows, and the accuracy / per-class / confusion evaluation.
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

/**
 * The decoded rows of a score matrix: what {@link decodeScoreRows} returns, and the part every
 * fmnist adapter's `DecodedOutput` extends.
 */
export interface DecodedScoreRows {
  /** Number of samples (rows). */
  count: number;
  /** Scores per sample (the row width). */
  numClasses: number;
  /** Predicted class id per sample ({@link argmax}: ties go to the lowest id, NaN never wins). */
  classes: Uint8Array;
  /** Class names of the predictions, when class names were given (`'?'` for an id without one). */
  names?: string[];
}

/**
 * Decodes a row-major `count x numClasses` score matrix: the highest-scoring class of each row
 * (via {@link argmax}) and, with `classNames`, its name. The adapters' `decodeOutput` read their
 * framework's output into rows and call this, so they decode alike.
 *
 * @param scores `count * numClasses` numbers (logits or probabilities).
 * @param count Number of rows.
 * @param numClasses Row width, 1 to 256.
 * @param classNames Names by class id, e.g. `split.classNames`; fills `names`.
 * @throws FmnistError `INVALID_ARGUMENT` as {@link argmax}.
 */
export function decodeScoreRows(
  scores: ArrayLike<number>,
  count: number,
  numClasses: number,
  classNames?: readonly string[],
): DecodedScoreRows {
  const classes = argmax(scores, count, numClasses);
  return { count, numClasses, classes, names: classNames && nameClasses(classes, classNames) };
}

/**
 * The class name of each class id; `'?'` for an id that `classNames` has no name for (a model with
 * more outputs than the split has classes), so a list of names never holds `undefined`.
 *
 * @example nameClasses(decoded.classes, test.classNames) // ['Ankle boot', 'Pullover', ...]
 */
export function nameClasses(classes: ArrayLike<number>, classNames: readonly string[]): string[] {
  return Array.from(classes, (id) => classNames[id] ?? '?');
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
