// Dataset names as users type them: matching to registered ids and "did you mean" suggestions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  datasetNameKey,
  normalizeDatasetName,
  suggestDatasetName,
  unknownDatasetError,
} from '../src/datasetNames.ts';
import { isFmnistError } from '../src/errors.ts';

const known = ['fashion-mnist', 'mnist'] as const;

/** The body of a `name -> id` table row: `lookup(name, known)` gives `id`. */
const resolvesTo =
  (lookup: (name: string, ids: readonly string[]) => string | undefined) =>
  (name: string, id: string) =>
    expect(lookup(name, known)).toBe(id);

describe('normalizeDatasetName', () => {
  it.each([
    ['fashion-mnist', 'fashion-mnist'],
    ['fashion_mnist', 'fashion-mnist'],
    ['Fashion-MNIST', 'fashion-mnist'],
    ['fashionmnist', 'fashion-mnist'],
    ['FashionMNIST', 'fashion-mnist'],
    ['fashion mnist', 'fashion-mnist'],
    ['  FASHION__MNIST ', 'fashion-mnist'],
    ['mnist', 'mnist'],
    ['MNIST', 'mnist'],
    ['Mnist', 'mnist'],
  ])('%s -> %s', resolvesTo(normalizeDatasetName));

  it('returns undefined for unknown or empty names', () => {
    expect(normalizeDatasetName('kmnist', known)).toBeUndefined();
    expect(normalizeDatasetName('fashion', known)).toBeUndefined();
    expect(normalizeDatasetName('', known)).toBeUndefined();
    expect(normalizeDatasetName('--', known)).toBeUndefined();
    expect(normalizeDatasetName('mnist', [])).toBeUndefined();
    expect(normalizeDatasetName(undefined as unknown as string, known)).toBeUndefined();
  });

  it('prefers an exact id, then the first id with the same key', () => {
    expect(normalizeDatasetName('my_set', ['my-set', 'my_set'])).toBe('my_set');
    expect(normalizeDatasetName('MySet', ['my-set', 'my_set'])).toBe('my-set');
  });

  it('any spelling that differs by case and separators resolves', () => {
    const letters = 'fashionmnist'.split('');
    const fixed = <T>(arb: fc.Arbitrary<T>) =>
      fc.array(arb, { minLength: letters.length, maxLength: letters.length });
    const spelling = fc.tuple(fixed(fc.boolean()), fixed(fc.constantFrom('', '-', '_', ' ')));
    fc.assert(
      fc.property(spelling, ([upper, separators]) => {
        const name = letters
          .map((ch, i) => (upper[i] ? ch.toUpperCase() : ch) + separators[i])
          .join('');
        expect(normalizeDatasetName(name, known)).toBe('fashion-mnist');
        expect(datasetNameKey(name)).toBe('fashionmnist');
      }),
    );
  });
});

describe('suggestDatasetName', () => {
  it.each([
    ['fashon-mnist', 'fashion-mnist'],
    ['fasion', 'fashion-mnist'],
    ['fashion', 'fashion-mnist'],
    ['mnsit', 'mnist'],
    ['kmnist', 'mnist'],
    ['emnist', 'mnist'],
  ])('%s -> %s', resolvesTo(suggestDatasetName));

  it('suggests nothing when nothing is close', () => {
    expect(suggestDatasetName('cifar10', known)).toBeUndefined();
    expect(suggestDatasetName('imagenet', known)).toBeUndefined();
    expect(suggestDatasetName('mnist', [])).toBeUndefined();
    expect(suggestDatasetName('cifar10', known, { maxDistance: 100 })).toBe('mnist');
    expect(suggestDatasetName('mnsit', known, { maxDistance: 1 })).toBeUndefined();
  });

  it('breaks ties by the order of the known ids', () => {
    expect(suggestDatasetName('ab', ['ax', 'xb'])).toBe('ax');
    expect(suggestDatasetName('ab', ['xb', 'ax'])).toBe('xb');
  });
});

describe('unknownDatasetError', () => {
  it('quotes the name, suggests, and lists the known ids', () => {
    const e = unknownDatasetError('fashon', known);
    expect(isFmnistError(e, 'UNKNOWN_DATASET')).toBe(true);
    expect(e.message).toBe(
      'Unknown dataset "fashon". Did you mean "fashion-mnist"? Known datasets: fashion-mnist, mnist.',
    );
    expect(e.details).toEqual({
      dataset: 'fashon',
      suggestion: 'fashion-mnist',
      known: [...known],
    });
    expect(unknownDatasetError('cifar10', known).message).toBe(
      'Unknown dataset "cifar10". Known datasets: fashion-mnist, mnist.',
    );
  });
});
