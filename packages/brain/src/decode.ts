import { argmax, FmnistError } from '@fmnist/core';

/**
 * What `net.run()` returns for a classifier: an array or `Float32Array` of scores (trained on
 * `number[]` outputs), or an object of scores. The object is keyed by class name for nets trained
 * on class-name hashes, and by position (`'0'`..`'9'`) for nets trained on `Float32Array`
 * outputs: brain.js treats any non-`Array` output as a hash and builds a lookup for it.
 */
export type BrainOutput = ArrayLike<number> | Readonly<Record<string, number>>;

/** A decoded `net.run()` output. */
export interface DecodedOutput {
  /** Class id (index into `classNames`) with the highest score; ties go to the lowest id. */
  index: number;
  /** `classNames[index]`, when class names were given. */
  name: string | undefined;
  /** The winning score. */
  score: number;
}

/**
 * Decodes one `net.run()` output to its class: the highest score wins.
 *
 * @param output An array/`Float32Array` of scores or a hash of scores (see {@link BrainOutput}).
 * @param classNames The split's `classNames`: needed for outputs keyed by class name, and to fill
 *   `name`.
 * @throws FmnistError `INVALID_ARGUMENT` for an empty or malformed output, a key that is neither a
 *   class name nor a class position, or a NaN score. brain.js returns NaN after training on inputs
 *   of unequal length (1.x does not check), on NaN pixels, or after diverging: decoding that as
 *   class 0 would hide the bug.
 */
export function decodeOutput(output: BrainOutput, classNames?: readonly string[]): DecodedOutput {
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
  return { index, name: classNames?.[index], score };
}

/** The class id of one `net.run()` output; see {@link decodeOutput}. */
export function outputToClassIndex(output: BrainOutput, classNames?: readonly string[]): number {
  return decodeOutput(output, classNames).index;
}

/**
 * The class name of one `net.run()` output; see {@link decodeOutput}.
 * @throws FmnistError `INVALID_ARGUMENT` also when the winning id has no name in `classNames`.
 */
export function outputToClassName(output: BrainOutput, classNames: readonly string[]): string {
  const { index, name } = decodeOutput(output, classNames);
  if (name === undefined) fail(`class ${index} has no name in classNames`);
  return name;
}

/**
 * Class ids of `count` rows of `numClasses` scores (row-major), e.g. `net.run()` outputs gathered
 * into one `Float32Array`. Same answer as core's `argmax`, but a NaN score is an error (see
 * {@link decodeOutput}) instead of being skipped.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for bad sizes or a NaN score.
 */
export function decodeScores(
  scores: ArrayLike<number>,
  count: number,
  numClasses: number,
): Uint8Array {
  const result = argmax(scores, count, numClasses);
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) {
      const row = Math.floor(i / numClasses);
      fail(
        `row ${row} has a NaN score (network trained on malformed input, or diverged)`,
        'decodeScores',
      );
    }
  }
  return result;
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
