// Decoding a model's score matrix: class ids, class names, and scores with classes.
import { type DecodedScoreRows, decodeScoreRows, FmnistError } from '@fmnist/core';
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * The class id of each row of a score matrix (logits or probabilities), via core's `argmax`
 * (ties go to the lowest id, NaN never wins).
 *
 * @param scores A `[count, numClasses]` tensor (read asynchronously and not disposed), or
 *   row-major numbers with `count` and `numClasses` given.
 * @param count Rows; required for plain arrays, checked against a tensor's shape.
 * @param numClasses Row width; required for plain arrays, checked against a tensor's shape.
 * @throws FmnistError `INVALID_ARGUMENT` for a tensor that is not 2-D or sizes that disagree.
 */
export async function decodeClasses(
  scores: Tensor | ArrayLike<number>,
  count?: number,
  numClasses?: number,
): Promise<Uint8Array> {
  const rows = await readScores(scores, count, numClasses, 'decodeClasses');
  return decodeScoreRows(rows.scores, rows.count, rows.numClasses).classes;
}

/**
 * Like {@link decodeClasses}, but returns class names (e.g. `'Ankle boot'`; `'?'` for an id
 * without one).
 *
 * @param classNames Names by class id, e.g. `split.classNames` or `fashionMnist.classNames`.
 * @param count Rows, for plain arrays (their width is `classNames.length`).
 */
export async function decodeClassNames(
  scores: Tensor | ArrayLike<number>,
  classNames: readonly string[],
  count?: number,
): Promise<string[]> {
  const width = isTensor(scores) ? undefined : classNames.length;
  const rows = await readScores(scores, count, width, 'decodeClassNames');
  return decodeScoreRows(rows.scores, rows.count, rows.numClasses, classNames).names as string[];
}

/** Options for {@link decodeOutput}. */
export interface DecodeOutputOptions {
  /** Names by class id, e.g. `split.classNames`; fills `names`. */
  classNames?: readonly string[];
  /** Rows; required for plain arrays, checked against a tensor's shape. */
  count?: number;
  /** Row width; required for plain arrays, checked against a tensor's shape. */
  numClasses?: number;
}

/**
 * What {@link decodeOutput} returns: core's `DecodedScoreRows` (count, numClasses, classes, names)
 * plus the scores, the shape every fmnist adapter's `decodeOutput` shares.
 */
export interface DecodedOutput extends DecodedScoreRows {
  /** Row-major `count x numClasses` scores, read back from the tensor (a copy for arrays). */
  scores: Float32Array;
}

/**
 * Reads a score matrix once and returns its scores with the class id (and name) of each row.
 *
 * @param scores A `[count, numClasses]` tensor (not disposed) or row-major numbers with `count`
 *   and `numClasses` in `options`.
 * @throws FmnistError `INVALID_ARGUMENT` for a tensor that is not 2-D or sizes that disagree.
 */
export async function decodeOutput(
  scores: Tensor | ArrayLike<number>,
  options: DecodeOutputOptions = {},
): Promise<DecodedOutput> {
  const rows = await readScores(scores, options.count, options.numClasses, 'decodeOutput');
  const decoded = decodeScoreRows(rows.scores, rows.count, rows.numClasses, options.classNames);
  // tensor.data() is already a copy; a caller's array is copied so the result owns its scores.
  const own = rows.scores !== scores && rows.scores instanceof Float32Array;
  return {
    ...decoded,
    scores: own ? (rows.scores as Float32Array) : Float32Array.from(rows.scores),
  };
}

/**
 * True for a tfjs tensor. Duck-typed: several copies of tfjs-core may coexist, so instanceof is
 * unreliable.
 * @internal
 */
export function isTensor(value: unknown): value is Tensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    'dataId' in value &&
    'shape' in value &&
    typeof (value as Tensor).data === 'function'
  );
}

async function readScores(
  scores: Tensor | ArrayLike<number>,
  count: number | undefined,
  numClasses: number | undefined,
  caller: string,
): Promise<{ scores: ArrayLike<number>; count: number; numClasses: number }> {
  if (isTensor(scores)) {
    if (scores.rank !== 2) {
      throw new FmnistError(
        'INVALID_ARGUMENT',
        `${caller}: expected a [count, numClasses] tensor, got shape [${scores.shape}].`,
      );
    }
    const [rows, columns] = scores.shape as [number, number];
    if (
      (count !== undefined && count !== rows) ||
      (numClasses !== undefined && numClasses !== columns)
    ) {
      throw new FmnistError(
        'INVALID_ARGUMENT',
        `${caller}: tensor shape [${scores.shape}] disagrees with count ${count} / numClasses ${numClasses}.`,
      );
    }
    return { scores: (await scores.data()) as ArrayLike<number>, count: rows, numClasses: columns };
  }
  if (count === undefined || numClasses === undefined) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `${caller}: count and numClasses are required for a plain array of scores.`,
    );
  }
  return { scores, count, numClasses };
}
