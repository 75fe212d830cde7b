// Decoding a classifier's output: class ids, class names, and scores with probabilities.
import { type DecodedScoreRows, decodeScoreRows, FmnistError, nameClasses } from '@fmnist/core';

/** A model output: an `ort.Tensor`, or anything with `data` and `dims`. */
export interface OutputLike {
  /** The elements (a typed array); a GPU tensor must be read back with `getData()` first. */
  data: unknown;
  /** The output's dims, batch first. */
  dims: readonly number[];
  /** Element type, e.g. `'float32'` or `'int64'`. */
  type?: string;
}

/** Options for {@link decodeOutput}. */
export interface DecodeOutputOptions {
  /** Names of the classes, e.g. `split.classNames`; fills `names`. */
  classNames?: readonly string[];
  /**
   * What the scores are: `'logits'` (softmax is applied for `probabilities`), `'probabilities'`
   * (used as they are) or `'auto'` (default: rows that are non-negative and sum to 1 within 1e-3
   * are taken as probabilities). The predicted classes do not depend on this.
   */
  kind?: 'auto' | 'logits' | 'probabilities';
  /** Rows, for a plain array of scores (required there; a tensor's dims say it). */
  count?: number;
  /** Row width, for a plain array of scores (required there). */
  numClasses?: number;
}

/**
 * What {@link decodeOutput} returns: core's `DecodedScoreRows` (count, numClasses, classes, names:
 * `'?'` for an id without one; numClasses is 0 when the model outputs class ids directly) plus the
 * scores and probabilities, the shape every fmnist adapter's `decodeOutput` shares.
 */
export interface DecodedOutput extends DecodedScoreRows {
  /** Row-major `count x numClasses` scores as the model gave them; absent for class-id outputs. */
  scores?: Float32Array;
  /** Row-major `count x numClasses` probabilities; absent for class-id outputs. */
  probabilities?: Float32Array;
  /** Probability of each predicted class; absent for class-id outputs. */
  confidences?: Float32Array;
  /** How the scores were read: `'logits'`, `'probabilities'`, or `'classes'` for id outputs. */
  kind: 'logits' | 'probabilities' | 'classes';
}

/** An output read as rows: class ids, and the float scores unless the model outputs ids. */
interface OutputRows extends DecodedScoreRows {
  /** The scores; may be the output's own buffer. */
  scores?: Float32Array;
}

/**
 * Turns a classifier's output into class ids (and names, scores, probabilities). Accepts `[N, C]`
 * float scores (logits or probabilities), `[N, 1, C]`-style shapes with one non-batch axis larger
 * than 1, `[N]` integer outputs of models that already end in ArgMax, and plain row-major arrays
 * with `count` and `numClasses` given.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for an output that is not a score matrix or id vector.
 */
export function decodeOutput(
  output: OutputLike | ArrayLike<number>,
  options: DecodeOutputOptions = {},
): DecodedOutput {
  const { count, numClasses, classes, scores } = readRows(
    output,
    options.count,
    options.numClasses,
    'decodeOutput',
  );
  const names = options.classNames && nameClasses(classes, options.classNames);
  if (!scores) return { count, numClasses, classes, names, kind: 'classes' };
  const kind =
    options.kind === undefined || options.kind === 'auto'
      ? isProbabilityRows(scores, count, numClasses)
        ? 'probabilities'
        : 'logits'
      : options.kind;
  // Copies, so the result outlives the output tensor (predictOutput disposes it).
  const probabilities =
    kind === 'probabilities' ? scores.slice() : softmax(scores, count, numClasses);
  const confidences = new Float32Array(count);
  for (let i = 0; i < count; i++) confidences[i] = probabilities[i * numClasses + classes[i]];
  return {
    count,
    numClasses,
    classes,
    names,
    scores: scores.slice(),
    probabilities,
    confidences,
    kind,
  };
}

/**
 * The class id of each sample of an output (see {@link decodeOutput} for the outputs accepted),
 * without computing probabilities.
 *
 * @param count Rows; required for a plain array of scores.
 * @param numClasses Row width; required for a plain array of scores.
 * @throws FmnistError `INVALID_ARGUMENT` for an output that is not a score matrix or id vector.
 */
export function decodeClasses(
  output: OutputLike | ArrayLike<number>,
  count?: number,
  numClasses?: number,
): Uint8Array {
  return readRows(output, count, numClasses, 'decodeClasses').classes;
}

/**
 * Like {@link decodeClasses}, but returns class names (`'?'` for an id without a name).
 *
 * @param classNames Names by class id, e.g. `split.classNames`.
 * @param count Rows, for a plain array of scores (its width is `classNames.length`).
 */
export function decodeClassNames(
  output: OutputLike | ArrayLike<number>,
  classNames: readonly string[],
  count?: number,
): string[] {
  const width = isOutputLike(output) ? undefined : classNames.length;
  return nameClasses(readRows(output, count, width, 'decodeClassNames').classes, classNames);
}

/**
 * Row-wise softmax of a `count x numClasses` score matrix (numerically stable: the row maximum is
 * subtracted first).
 */
export function softmax(
  scores: ArrayLike<number>,
  count: number,
  numClasses: number,
): Float32Array {
  const out = new Float32Array(count * numClasses);
  for (let r = 0; r < count; r++) {
    const base = r * numClasses;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < numClasses; c++) max = Math.max(max, scores[base + c]);
    let sum = 0;
    for (let c = 0; c < numClasses; c++) {
      const e = Math.exp(scores[base + c] - max);
      out[base + c] = e;
      sum += e;
    }
    for (let c = 0; c < numClasses; c++) out[base + c] /= sum;
  }
  return out;
}

/** True when every row is non-negative and sums to 1 within `tolerance` (default 1e-3). */
export function isProbabilityRows(
  scores: ArrayLike<number>,
  count: number,
  numClasses: number,
  tolerance = 1e-3,
): boolean {
  for (let r = 0; r < count; r++) {
    let sum = 0;
    for (let c = 0; c < numClasses; c++) {
      const v = scores[r * numClasses + c];
      if (!(v >= 0)) return false;
      sum += v;
    }
    if (Math.abs(sum - 1) > tolerance) return false;
  }
  return true;
}

/**
 * Class names for class ids (`'?'` for an id without a name).
 *
 * @deprecated use `decodeClassNames(output, classNames)`, or `decodeOutput(output, { classNames }).names`.
 * @example classNamesOf(decoded.classes, test.classNames) // ['Ankle boot', 'Pullover', ...]
 */
export const classNamesOf: (classes: ArrayLike<number>, classNames: readonly string[]) => string[] =
  nameClasses;

function isOutputLike(value: unknown): value is OutputLike {
  return typeof value === 'object' && value !== null && 'dims' in value && 'data' in value;
}

function readRows(
  output: OutputLike | ArrayLike<number>,
  count: number | undefined,
  numClasses: number | undefined,
  caller: string,
): OutputRows {
  if (!isOutputLike(output)) {
    if (typeof output !== 'object' || output === null || typeof output.length !== 'number') {
      throw new FmnistError('INVALID_ARGUMENT', `${caller}: expected a tensor with data and dims.`);
    }
    if (count === undefined || numClasses === undefined) {
      throw new FmnistError(
        'INVALID_ARGUMENT',
        `${caller}: count and numClasses are required for a plain array of scores.`,
      );
    }
    const scores = output instanceof Float32Array ? output : Float32Array.from(output);
    return { ...decodeScoreRows(scores, count, numClasses), scores };
  }
  if (!Array.isArray(output.dims) || output.data === undefined) {
    throw new FmnistError('INVALID_ARGUMENT', `${caller}: expected a tensor with data and dims.`);
  }
  const dims = output.dims;
  const data = output.data as ArrayLike<number | bigint>;
  if (typeof data !== 'object' || data === null || typeof data.length !== 'number') {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `${caller}: the output has no readable data (a GPU tensor? call getData() first, or use a CPU output location).`,
    );
  }
  const rows = dims.length === 0 ? 1 : dims[0];
  if (
    dims.length === 1 &&
    data.length === rows &&
    !(data instanceof Float32Array || data instanceof Float64Array)
  ) {
    const classes = Uint8Array.from(data as ArrayLike<number | bigint>, (v) => Number(v));
    return { count: rows, numClasses: 0, classes };
  }
  const width = rows === 0 ? 0 : data.length / rows;
  if (!Number.isInteger(width) || dims.slice(1).filter((d) => d > 1).length > 1) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `${caller}: an output of dims [${dims.join(', ')}] is not one score row per sample.`,
      { details: { dims: [...dims] } },
    );
  }
  const scores =
    data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>, Number);
  return { ...decodeScoreRows(scores, rows, width), scores };
}
