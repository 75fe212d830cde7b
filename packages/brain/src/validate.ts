// Validating a brain.js training set against the inputs that make brain.js return NaN.
import { FmnistError } from '@fmnist/core';

/** Options for {@link assertBrainTrainingSet}. */
export interface AssertBrainTrainingSetOptions {
  /** Required input length (e.g. 784, or the network's input size). Default: the first sample's. */
  inputSize?: number;
  /** Required output length for array outputs (e.g. 10). Default: the first sample's. */
  outputSize?: number;
  /** Name used in error messages. Default `'training set'`. */
  name?: string;
}

/**
 * Checks a brain.js training set you built yourself before brain.js sees it, and throws a clear
 * error where brain.js would not.
 *
 * brain.js 1.6.1 trains on inputs of unequal length without complaint and returns NaN from then
 * on; 2.0.0-beta.24 throws a plain `Error` for unequal lengths but also trains to NaN on a NaN or
 * infinite value. Both accept a `Uint8Array` of raw 0..255 pixels without a word, and such inputs
 * saturate sigmoid units. This check rejects all of these.
 *
 * Accepted: a non-empty array of `{ input, output }` where each of `input` and `output` is either
 * a `number[]`/`Float32Array`/`Float64Array` of finite numbers with the same length in every
 * sample, or (brain.js's hash form) a plain object of finite numbers, the same form in every
 * sample (brain.js picks the format from the first sample).
 *
 * @throws FmnistError `INVALID_ARGUMENT` naming the first bad sample and what is wrong with it.
 */
export function assertBrainTrainingSet(
  data: unknown,
  options: AssertBrainTrainingSetOptions = {},
): void {
  const name = options.name ?? 'training set';
  const fail = (message: string, index?: number): never => {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `${name}: ${index === undefined ? '' : `sample ${index}: `}${message}.`,
      { details: index === undefined ? {} : { index } },
    );
  };
  if (!Array.isArray(data)) fail(`expected an array of { input, output }, got ${kind(data)}`);
  const samples = data as unknown[];
  if (samples.length === 0) fail('it is empty');
  const expected = {
    input: { form: undefined as Form | undefined, length: options.inputSize },
    output: { form: undefined as Form | undefined, length: options.outputSize },
  };
  for (const [key, size] of [
    ['inputSize', options.inputSize],
    ['outputSize', options.outputSize],
  ] as const) {
    if (size !== undefined && (!Number.isInteger(size) || size < 1)) {
      fail(`${key} must be a positive integer, got ${String(size)}`);
    }
  }
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i];
    if (typeof sample !== 'object' || sample === null) {
      fail(`expected an object with input and output, got ${kind(sample)}`, i);
    }
    for (const field of ['input', 'output'] as const) {
      const value = (sample as Record<string, unknown>)[field];
      const want = expected[field];
      const form = formOf(value);
      if (form === undefined) {
        fail(
          `${field} must be a number[], Float32Array, Float64Array or an object of numbers, got ${kind(value)}${
            isIntegerTypedArray(value)
              ? ' (raw bytes? scale pixels to floats first, e.g. with toBrainTrainingSet)'
              : ''
          }`,
          i,
        );
      }
      want.form ??= form;
      if (form !== want.form) {
        fail(
          `${field} is ${form === 'hash' ? 'an object' : 'an array'} but sample 0's is ${want.form === 'hash' ? 'an object' : 'an array'}: brain.js formats every sample like the first`,
          i,
        );
      }
      if (form === 'vector') {
        const vector = value as ArrayLike<unknown>;
        want.length ??= vector.length;
        if (vector.length !== want.length) {
          fail(
            `${field} has length ${vector.length} but ${
              options[field === 'input' ? 'inputSize' : 'outputSize'] === undefined
                ? "sample 0's has"
                : 'the required length is'
            } ${want.length} (brain.js would train to NaN)`,
            i,
          );
        }
        if (vector.length === 0) fail(`${field} is empty`, i);
        for (let j = 0; j < vector.length; j++) {
          const x = vector[j];
          if (typeof x !== 'number' || !Number.isFinite(x)) {
            fail(`${field}[${j}] is ${describeNumber(x)}, not a finite number`, i);
          }
        }
      } else {
        const hash = value as Record<string, unknown>;
        const keys = Object.keys(hash);
        if (keys.length === 0) fail(`${field} has no keys`, i);
        for (const k of keys) {
          const x = hash[k];
          if (typeof x !== 'number' || !Number.isFinite(x)) {
            fail(`${field}[${JSON.stringify(k)}] is ${describeNumber(x)}, not a finite number`, i);
          }
        }
      }
    }
  }
}

type Form = 'vector' | 'hash';

function formOf(value: unknown): Form | undefined {
  if (Array.isArray(value)) return 'vector';
  if (ArrayBuffer.isView(value)) {
    const tag = Object.prototype.toString.call(value);
    return tag === '[object Float32Array]' || tag === '[object Float64Array]'
      ? 'vector'
      : undefined;
  }
  if (typeof value === 'object' && value !== null) {
    const proto = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null ? 'hash' : undefined;
  }
  return undefined;
}

function isIntegerTypedArray(value: unknown): boolean {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && formOf(value) === undefined;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return `a ${Object.prototype.toString.call(value).slice(8, -1)}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function describeNumber(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === undefined) return 'missing';
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : kind(value);
}
