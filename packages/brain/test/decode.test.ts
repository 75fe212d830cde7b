// Decoding net.run() outputs: decodeOutput, decodeClasses, decodeClassNames and the deprecated names.
import { argmax, FmnistError, fashionMnist } from '@fmnist/core';
import { describe, expect, it } from 'vitest';
import {
  decodeClasses,
  decodeClassNames,
  decodeOutput,
  decodeScores,
  outputToClassIndex,
  outputToClassName,
} from '../src/index.ts';

const names = fashionMnist.classNames;

function invalid(fn: () => unknown, message?: RegExp) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FmnistError);
    expect((error as FmnistError).code).toBe('INVALID_ARGUMENT');
    if (message) expect((error as FmnistError).message).toMatch(message);
    return;
  }
  throw new Error('expected an INVALID_ARGUMENT error');
}

describe('decodeOutput', () => {
  const scores = [0.1, 0.05, 0.2, 0.9, 0.3, 0, 0, 0, 0, 0.89];

  it('decodes arrays and Float32Arrays', () => {
    expect(decodeOutput(scores, names)).toEqual({
      count: 1,
      numClasses: 10,
      classes: new Uint8Array([3]),
      names: ['Dress'],
      scores: Float32Array.from(scores),
      index: 3,
      name: 'Dress',
      score: 0.9,
    });
    expect(decodeOutput(scores, { classNames: names })).toEqual(decodeOutput(scores, names));
    expect(decodeOutput(Float32Array.from(scores)).index).toBe(3);
    expect(decodeOutput(Float32Array.from(scores)).name).toBeUndefined();
    expect(outputToClassIndex(scores)).toBe(3);
    expect(outputToClassName(scores, names)).toBe('Dress');
  });

  it('decodes position-keyed hashes (nets trained on Float32Array outputs)', () => {
    const hash = Object.fromEntries(scores.map((s, i) => [String(i), s]));
    expect(decodeOutput(hash, names)).toMatchObject({ index: 3, name: 'Dress' });
    expect(decodeOutput(hash).index).toBe(3);
  });

  it('decodes class-name hashes in any key order, including partial ones', () => {
    expect(decodeOutput({ Sneaker: 0.2, 'Ankle boot': 0.7, Bag: 0.1 }, names)).toMatchObject({
      index: 9,
      name: 'Ankle boot',
      score: 0.7,
    });
    expect(outputToClassName({ Trouser: 0.5, 'T-shirt/top': 0.4 }, names)).toBe('Trouser');
  });

  it('breaks ties towards the lowest class id, like core argmax', () => {
    expect(decodeOutput([0.5, 0.7, 0.7]).index).toBe(1);
    expect(decodeOutput({ Bag: 0.7, Trouser: 0.7 }, names).index).toBe(1);
  });

  it('refuses NaN, malformed and unknown outputs', () => {
    invalid(() => decodeOutput([0.1, Number.NaN, 0.2]), /NaN/);
    invalid(() => decodeOutput({ 0: Number.NaN }), /NaN/);
    invalid(() => decodeOutput([]), /no scores/);
    invalid(() => decodeOutput({ Hat: 1 }, names), /neither/);
    invalid(() => decodeOutput({ Hat: 1 }), /pass classNames/);
    invalid(() => decodeOutput({ 12: 1 }, names), /below 10/);
    invalid(() => decodeOutput(scores.slice(0, 9), names), /9 scores for 10 classes/);
    invalid(() => decodeOutput(['0.5'] as unknown as number[]), /not a number/);
    invalid(() => decodeOutput(null as unknown as number[]));
    invalid(() => decodeOutput('0.5' as unknown as number[]));
  });
});

describe('decodeOutput / decodeClasses / decodeClassNames on lists of outputs', () => {
  const rows = [
    [0.1, 0.9, 0],
    [0.7, 0.2, 0.1],
  ];

  it('decodes every output, with row-major scores in class order', () => {
    const decoded = decodeOutput(rows);
    expect(decoded).toMatchObject({ count: 2, numClasses: 3, index: 1 });
    expect(decoded.classes).toEqual(new Uint8Array([1, 0]));
    expect(decoded.scores).toEqual(Float32Array.from(rows.flat()));
    expect(decodeClasses(rows)).toEqual(new Uint8Array([1, 0]));
    expect(decodeClasses(rows.map((r) => Float32Array.from(r)))).toEqual(new Uint8Array([1, 0]));
    expect(decodeClasses(rows.flat(), 2, 3)).toEqual(new Uint8Array([1, 0]));
    expect(decodeClasses(rows[0])).toEqual(new Uint8Array([1]));
    expect(decodeClasses([])).toEqual(new Uint8Array(0));
  });

  it('fills the scores a partial hash leaves out with -Infinity', () => {
    const decoded = decodeOutput([{ Bag: 0.7 }, { Trouser: 0.4, Bag: 0.1 }], { classNames: names });
    expect(decoded.classes).toEqual(new Uint8Array([8, 1]));
    expect(decoded.names).toEqual(['Bag', 'Trouser']);
    expect(decoded.scores[8]).toBeCloseTo(0.7, 6);
    expect(decoded.scores[0]).toBe(Number.NEGATIVE_INFINITY);
  });

  it('names the classes of one output, a list, or row-major scores', () => {
    const scores = [0.1, 0.05, 0.2, 0.9, 0.3, 0, 0, 0, 0, 0.89];
    expect(decodeClassNames(scores, names)).toEqual(['Dress']);
    expect(decodeClassNames([scores, scores], names)).toEqual(['Dress', 'Dress']);
    expect(decodeClassNames([...scores, ...scores], names, 2)).toEqual(['Dress', 'Dress']);
    expect(decodeClassNames({ Sneaker: 0.2, Bag: 0.1 }, names)).toEqual(['Sneaker']);
    invalid(() => decodeClassNames([Number.NaN, 1], ['a', 'b']), /NaN/);
    invalid(() => decodeClasses([{ Hat: 1 }]), /pass classNames/);
    invalid(() => decodeClasses([0.1, Number.NaN], 1, 2), /row 0 has a NaN/);
  });

  it('keeps decodeScores as the same function as decodeClasses', () => {
    expect(decodeScores).toBe(decodeClasses);
  });
});

describe('decodeScores', () => {
  it('equals core argmax', () => {
    const scores = Float32Array.from({ length: 70 }, (_, i) => Math.sin(i * 7.1));
    expect(decodeScores(scores, 7, 10)).toEqual(argmax(scores, 7, 10));
  });

  it('refuses NaN rows and wrong sizes', () => {
    const scores = new Float32Array(20);
    scores[13] = Number.NaN;
    invalid(() => decodeScores(scores, 2, 10), /row 1 has a NaN/);
    invalid(() => decodeScores(new Float32Array(19), 2, 10));
  });
});
