// Tests of the metrics: argmax and decodeScoreRows over score rows, and evaluate's accuracy and confusion matrix.
import { argmax, decodeScoreRows, evaluate, nameClasses } from '@fmnist/core';
import { describe, expect, it } from 'vitest';
import { errorOf } from './helpers.ts';

describe('argmax', () => {
  it('picks the highest score per row, ties to the lowest class, never NaN', () => {
    const rows = [
      [0.1, 0.7, 0.2], // -> 1
      [5, 5, 1], // tie -> 0
      [Number.NaN, -3, -2], // NaN skipped -> 2
      [-1, -1, 0.5], // -> 2
    ];
    const scores = Float32Array.from(rows.flat());
    expect([...argmax(scores, 4, 3)]).toEqual([1, 0, 2, 2]);
    expect([...argmax([Number.NaN, Number.NaN], 1, 2)]).toEqual([0]);
    expect(argmax([], 0, 10).length).toBe(0);
    expect(argmax([1, 2], 1, 2)).toBeInstanceOf(Uint8Array);
  });

  it('rejects inconsistent sizes', () => {
    expect(errorOf(() => argmax([1, 2, 3], 2, 2))).toBe(
      'argmax: expected 4 scores (count 2 * numClasses 2), got 3.',
    );
    expect(errorOf(() => argmax([1], 1, 0))).toBe(
      'argmax: numClasses must be an integer from 1 to 256, got 0.',
    );
    expect(errorOf(() => argmax(new Array(257).fill(0), 1, 257))).toMatch(/from 1 to 256, got 257/);
    expect(errorOf(() => argmax([1], -1, 1))).toBe(
      'argmax: count must be a non-negative integer, got -1.',
    );
    expect(errorOf(() => argmax(undefined as unknown as number[], 1, 1))).toMatch(/got none/);
  });
});

describe('decodeScoreRows', () => {
  it('returns argmax classes with the sizes, and names only when class names are given', () => {
    const scores = [0.1, 0.7, 0.2, 5, 5, 1];
    expect(decodeScoreRows(scores, 2, 3)).toEqual({
      count: 2,
      numClasses: 3,
      classes: argmax(scores, 2, 3),
      names: undefined,
    });
    expect(decodeScoreRows(scores, 2, 3, ['a', 'b', 'c']).names).toEqual(['b', 'a']);
    expect(errorOf(() => decodeScoreRows([1, 2, 3], 2, 2))).toMatch(/^argmax: expected 4 scores/);
  });

  it("names an id without a class name '?'", () => {
    expect(nameClasses([0, 7], ['x'])).toEqual(['x', '?']);
    expect(decodeScoreRows([0, 1], 1, 2, ['only']).names).toEqual(['?']);
  });
});

describe('evaluate', () => {
  // Hand-computed: class 0 has 1/2 right, class 1 2/2, class 2 1/2; 4 of 6 overall.
  const labels = [0, 0, 1, 1, 2, 2];
  const predictions = Uint8Array.of(0, 1, 1, 1, 0, 2);

  it('computes accuracy, per-class accuracy and the [true][predicted] confusion matrix', () => {
    const result = evaluate(labels, predictions, 3);
    expect(result.accuracy).toBe(4 / 6);
    expect(result.perClassAccuracy).toEqual([0.5, 1, 0.5]);
    expect(result.confusionMatrix).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
  });

  it('defaults to 10 classes and reports NaN for classes without samples', () => {
    const result = evaluate(labels, predictions);
    expect(result.confusionMatrix.length).toBe(10);
    expect(result.confusionMatrix.every((row) => row.length === 10)).toBe(true);
    expect(result.perClassAccuracy.slice(0, 3)).toEqual([0.5, 1, 0.5]);
    expect(result.perClassAccuracy.slice(3).every(Number.isNaN)).toBe(true);
  });

  it('rejects mismatched, empty or out-of-range input', () => {
    expect(errorOf(() => evaluate([0, 1], [0]))).toBe('evaluate: 2 labels but 1 predictions.');
    expect(errorOf(() => evaluate([], []))).toBe('evaluate: there are no samples to evaluate.');
    expect(errorOf(() => evaluate([0, 3], [0, 1], 3))).toBe(
      'evaluate: label 3 at index 1 is not a class id below 3.',
    );
    expect(errorOf(() => evaluate([0, 1], [0, 1.5], 3))).toBe(
      'evaluate: prediction 1.5 at index 1 is not a class id below 3.',
    );
    expect(errorOf(() => evaluate([0], [0], 0))).toBe(
      'evaluate: numClasses must be a positive integer, got 0.',
    );
  });
});
