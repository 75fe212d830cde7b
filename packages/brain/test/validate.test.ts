// assertBrainTrainingSet: what it accepts and the malformed sets it refuses.
import { FmnistError } from '@fmnist/core';
import { contractSplit } from '@fmnist/test-utils';
import { describe, expect, it } from 'vitest';
import { assertBrainTrainingSet, toBrainTrainingSet } from '../src/index.ts';

function invalid(data: unknown, message: RegExp, options = {}) {
  try {
    assertBrainTrainingSet(data, options);
  } catch (error) {
    expect(error).toBeInstanceOf(FmnistError);
    expect((error as FmnistError).code).toBe('INVALID_ARGUMENT');
    expect((error as FmnistError).message).toMatch(message);
    return error as FmnistError;
  }
  throw new Error('expected assertBrainTrainingSet to throw');
}

describe('assertBrainTrainingSet', () => {
  it('accepts what toBrainTrainingSet makes, in every form', () => {
    const split = contractSplit(12);
    assertBrainTrainingSet(toBrainTrainingSet(split), { inputSize: 784, outputSize: 10 });
    assertBrainTrainingSet(toBrainTrainingSet(split, { format: 'array' }));
    assertBrainTrainingSet(toBrainTrainingSet(split, { labels: 'class-names' }));
    assertBrainTrainingSet([
      { input: { a: 1, b: 0 }, output: { yes: 1 } },
      { input: { a: 0 }, output: { no: 1 } },
    ]);
    assertBrainTrainingSet([{ input: Float64Array.of(0.5, 1), output: [1] }]);
  });

  it('rejects inputs of unequal length, naming the sample', () => {
    const error = invalid(
      [
        { input: [0, 1, 0], output: [1] },
        { input: [1, 1], output: [0] },
      ],
      /sample 1: input has length 2 but sample 0's has 3/,
    );
    expect(error.details).toEqual({ index: 1 });
    invalid([{ input: [0, 1], output: [1] }], /required length is 784/, { inputSize: 784 });
    invalid(
      [
        { input: [0], output: [1, 0] },
        { input: [1], output: [0] },
      ],
      /sample 1: output has length 1/,
    );
  });

  it('rejects NaN, infinite and non-number values', () => {
    invalid([{ input: [0, Number.NaN], output: [1] }], /input\[1\] is NaN/);
    invalid([{ input: new Float32Array([0, Number.POSITIVE_INFINITY]), output: [1] }], /Infinity/);
    invalid([{ input: ['0', '1'], output: [1] }], /the string "0"/);
    invalid([{ input: [0, undefined], output: [1] }], /input\[1\] is missing/);
    invalid([{ input: { a: Number.NaN }, output: [1] }], /input\["a"\] is NaN/);
  });

  it('rejects raw bytes, wrong shapes and mixed forms', () => {
    invalid([{ input: new Uint8Array([0, 255]), output: [1] }], /Uint8Array \(raw bytes\?/);
    invalid('data', /expected an array/);
    invalid([], /empty/);
    invalid([null], /sample 0: expected an object/);
    invalid([{ input: [1] }], /output must be/);
    invalid([{ input: [], output: [1] }], /input is empty/);
    invalid([{ input: {}, output: [1] }], /input has no keys/);
    invalid([{ input: new Date(), output: [1] }], /input must be/);
    invalid(
      [
        { input: [1], output: [1] },
        { input: { a: 1 }, output: [1] },
      ],
      /input is an object but sample 0's is an array/,
    );
    invalid([{ input: [1], output: [1] }], /inputSize must be a positive integer/, {
      inputSize: 0,
    });
  });
});
