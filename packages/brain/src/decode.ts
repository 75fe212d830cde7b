// Decoding `net.run()` outputs: class ids, class names, and scores with classes.
import { argmax, type DecodedScoreRows, FmnistError, nameClasses } from '@fmnist/core';

/**
 * What `net.run()` returns for a classifier: an array or `Float32Array` of scores (trained on
 * `number[]` outputs), or an object of scores. The object is keyed by class name for nets trained
 * on class-name hashes, and by position (`'0'`..`'9'`) for nets trained on `Float32Array`
 * outputs: brain.js treats any non-`Array` output as a hash and builds a lookup for it.
 */
export type BrainOutput = ArrayLike<number> | Readonly<Record<string, number>>;

/** Options for {@link decodeOutput}. */
export interface DecodeOutputOptions {
  /**
   * The split's `classNames`: needed for outputs keyed by class name, fills `names`, and fixes
   * `numClasses` (an array output must then have one score per class).
   */
  classNames?: readonly string[];
}

/**
 * What {@link decodeOutput} returns: core's `DecodedScoreRows` plus the scores, the shape every
 * fmnist adapter's `decodeOutput` shares. `count` is 1 for a single `net.run()` output;
 * `numClasses` is `classNames.length` when given, else the widest output; ties go to the lowest id.
 */
export interface DecodedOutput extends DecodedScoreRows {
  /**
   * Row-major `count x numClasses` scores in class order; a class a hash output leaves out is
   * `-Infinity`.
   */
  scores: Float32Array;
  /** @deprecated use `classes[0]`: the class id of the (first) output. */
  index: number;
  /** @deprecated use `names?.[0]`: the class name of the (first) output. */
  name: string | undefined;
  /** @deprecated use `scores`: the winning score of the (first) output. */
  score: number;
}

/**
 * Decodes `net.run()` outputs to their classes (the highest score wins) and scores.
 *
 * @param output One output (an array/`Float32Array` of scores or a hash of scores, see
 *   {@link BrainOutput}) or a list of them.
 * @param options See {@link DecodeOutputOptions}.
 * @throws FmnistError `INVALID_ARGUMENT` for an empty or malformed output, a key that is neither a
 *   class name nor a class position, or a NaN score. brain.js returns NaN after training on inputs
 *   of unequal length (1.x does not check), on NaN pixels, or after diverging: decoding that as
 *   class 0 would hide the bug.
 */
export function decodeOutput(
  output: BrainOutput | readonly BrainOutput[],
  options?: DecodeOutputOptions,
): DecodedOutput;
/** @deprecated pass the class names as `{ classNames }`. */
export function decodeOutput(
  output: BrainOutput | readonly BrainOutput[],
  classNames: readonly string[] | undefined,
): DecodedOutput;
export function decodeOutput(
  output: BrainOutput | readonly BrainOutput[],
  options: DecodeOutputOptions | readonly string[] = {},
): DecodedOutput {
  const classNames = isStringList(options)
    ? options
    : (options as DecodeOutputOptions | undefined)?.classNames;
  const list = isOutputList(output) ? output : [output as BrainOutput];
  const rows: [number, number][][] = [];
  const winners = list.map((one) => {
    const row: [number, number][] = [];
    rows.push(row);
    return decodeOne(one, classNames, (classId, value) => row.push([classId, value]));
  });
  let numClasses = classNames?.length ?? 0;
  if (!classNames) {
    for (const row of rows)
      for (const [classId] of row) numClasses = Math.max(numClasses, classId + 1);
  }
  const scores = new Float32Array(list.length * numClasses).fill(Number.NEGATIVE_INFINITY);
  rows.forEach((row, r) => {
    for (const [classId, value] of row) scores[r * numClasses + classId] = value;
  });
  const classes = Uint8Array.from(winners, (w) => w.index);
  // The winners, not core's argmax, pick the classes: decodeOne compares the scores as given
  // (not rounded to float32) and has already refused NaN.
  const names = classNames && nameClasses(classes, classNames);
  return {
    count: list.length,
    numClasses,
    classes,
    names,
    scores,
    index: winners[0].index,
    name: classNames?.[winners[0].index],
    score: winners[0].score,
  };
}

/**
 * Class ids of outputs: a list of `net.run()` outputs (position-keyed or arrays), or `count` rows
 * of `numClasses` scores (row-major), e.g. outputs gathered into one `Float32Array`. Same answer as
 * core's `argmax`, but a NaN score is an error (see {@link decodeOutput}) instead of being skipped.
 * A plain array of numbers without `count` and `numClasses` is one output; an empty one, none.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for bad sizes or a NaN score.
 */
export function decodeClasses(
  scores: ArrayLike<number> | readonly BrainOutput[],
  count?: number,
  numClasses?: number,
): Uint8Array {
  if (isOutputList(scores)) return Uint8Array.from(scores, (one) => decodeOne(one).index);
  const flat = scores as ArrayLike<number>;
  if (count === undefined && numClasses === undefined) {
    if (flat.length === 0) return new Uint8Array(0);
    [count, numClasses] = [1, flat.length];
  }
  const rows = count ?? flat.length / (numClasses as number);
  const width = numClasses ?? flat.length / rows;
  const result = argmax(flat, rows, width);
  for (let i = 0; i < flat.length; i++) {
    if (Number.isNaN(flat[i])) {
      const row = Math.floor(i / width);
      fail(
        `row ${row} has a NaN score (network trained on malformed input, or diverged)`,
        'decodeClasses',
      );
    }
  }
  return result;
}

/**
 * Like {@link decodeOutput}, but returns the class names only.
 *
 * @param output One `net.run()` output, a list of them, or row-major scores with `count` rows of
 *   `classNames.length` scores.
 * @param classNames The split's `classNames`.
 * @throws FmnistError `INVALID_ARGUMENT` as {@link decodeOutput}, and when a winning id has no
 *   name in `classNames`.
 */
export function decodeClassNames(
  output: BrainOutput | readonly BrainOutput[],
  classNames: readonly string[],
  count?: number,
): string[] {
  const ids =
    count !== undefined && !isOutputList(output)
      ? decodeClasses(output as ArrayLike<number>, count, classNames.length)
      : decodeOutput(output, { classNames }).classes;
  return Array.from(ids, (id) => {
    const name = classNames[id];
    if (name === undefined) fail(`class ${id} has no name in classNames`, 'decodeClassNames');
    return name;
  });
}

/**
 * The class id of one `net.run()` output.
 *
 * @deprecated use `decodeClasses([output])[0]`, or `decodeOutput(output, { classNames }).classes[0]`.
 */
export function outputToClassIndex(output: BrainOutput, classNames?: readonly string[]): number {
  return decodeOne(output, classNames).index;
}

/**
 * The class name of one `net.run()` output.
 *
 * @deprecated use `decodeClassNames(output, classNames)[0]`.
 * @throws FmnistError `INVALID_ARGUMENT` also when the winning id has no name in `classNames`.
 */
export function outputToClassName(output: BrainOutput, classNames: readonly string[]): string {
  const { index } = decodeOne(output, classNames);
  const name = classNames?.[index];
  if (name === undefined) fail(`class ${index} has no name in classNames`);
  return name;
}

/** @deprecated use {@link decodeClasses} (same arguments, same result). */
export const decodeScores: (
  scores: ArrayLike<number>,
  count: number,
  numClasses: number,
) => Uint8Array = decodeClasses;

/**
 * The winning class and score of one output; `onScore` sees every score with its class id.
 * @internal
 */
export function decodeOne(
  output: BrainOutput,
  classNames?: readonly string[],
  onScore?: (classId: number, value: number) => void,
): { index: number; score: number } {
  let index = -1;
  let score = Number.NEGATIVE_INFINITY;
  const consider = (classId: number, value: unknown, key: string) => {
    if (typeof value !== 'number') {
      fail(`the score for ${key} is ${describe(value)}, not a number`);
    }
    if (Number.isNaN(value)) {
      fail(
        `the score for ${key} is NaN: the network was trained on malformed input (unequal lengths, NaN pixels) or diverged (learning rate too high)`,
      );
    }
    onScore?.(classId, value);
    if (value > score || (value === score && classId < index)) {
      score = value;
      index = classId;
    }
  };
  if (isArrayLike(output)) {
    if (classNames && output.length !== classNames.length) {
      fail(`got ${output.length} scores for ${classNames.length} classes`);
    }
    for (let c = 0; c < output.length; c++) consider(c, output[c], `class ${c}`);
  } else if (typeof output === 'object' && output !== null) {
    for (const key of Object.keys(output)) consider(classIdOf(key, classNames), output[key], key);
  } else {
    fail(`expected an array or an object of scores, got ${describe(output)}`);
  }
  if (index < 0) fail('the output has no scores');
  return { index, score };
}

/** A list of outputs (each an array or a hash), as opposed to one output's scores. */
function isOutputList(value: unknown): value is readonly BrainOutput[] {
  return (
    Array.isArray(value) && value.length > 0 && typeof value[0] === 'object' && value[0] !== null
  );
}

function isStringList(value: unknown): value is readonly string[] {
  return Array.isArray(value);
}

function classIdOf(key: string, classNames: readonly string[] | undefined): number {
  const named = classNames ? classNames.indexOf(key) : -1;
  if (named >= 0) return named;
  if (/^(0|[1-9]\d*)$/.test(key)) {
    const position = Number(key);
    if (!classNames || position < classNames.length) return position;
  }
  return fail(
    classNames
      ? `the output key ${JSON.stringify(key)} is neither one of the class names nor a class position below ${classNames.length}`
      : `the output key ${JSON.stringify(key)} is a name: pass classNames to decode it`,
  );
}

function isArrayLike(value: unknown): value is ArrayLike<number> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value) : `of type ${typeof value}`;
}

function fail(message: string, caller = 'decodeOutput'): never {
  throw new FmnistError('INVALID_ARGUMENT', `${caller}: ${message}.`);
}
