// Tests of the seeded PRNG and shuffles: known sequences, determinism and argument errors.
import { isFmnistError, mulberry32, shuffledIndices } from '@fmnist/core';
import { describe, expect, it } from 'vitest';

function take(next: () => number, n: number): number[] {
  return Array.from({ length: n }, () => next());
}

describe('mulberry32', () => {
  // Worked out by hand from the algorithm with unbounded integers mod 2^32 (no Math.imul), then
  // divided by 2^32: seed 0 -> state 0x6D2B79F5 -> 1144304738 / 2^32 ...
  it('returns the known first outputs of the reference algorithm', () => {
    expect(take(mulberry32(0), 4)).toEqual([
      1144304738 / 2 ** 32,
      1416247 / 2 ** 32,
      958946056 / 2 ** 32,
      627933444 / 2 ** 32,
    ]);
    expect(take(mulberry32(1), 3)).toEqual([
      2693262067 / 2 ** 32,
      11749833 / 2 ** 32,
      2265367787 / 2 ** 32,
    ]);
    expect(take(mulberry32(42), 4)).toEqual([
      2581720956 / 2 ** 32,
      1925393290 / 2 ** 32,
      3661312704 / 2 ** 32,
      2876485805 / 2 ** 32,
    ]);
    expect(mulberry32(1)()).toBe(0.6270739405881613);
  });

  it('coerces the seed with >>> 0', () => {
    expect(take(mulberry32(-1), 3)).toEqual([
      3850105811 / 2 ** 32,
      813802916 / 2 ** 32,
      3073704848 / 2 ** 32,
    ]);
    expect(take(mulberry32(-1), 5)).toEqual(take(mulberry32(4294967295), 5));
    expect(take(mulberry32(2 ** 32 + 42), 5)).toEqual(take(mulberry32(42), 5));
    expect(take(mulberry32(42.9), 5)).toEqual(take(mulberry32(42), 5));
  });

  it('stays in [0, 1) and is not constant', () => {
    const values = take(mulberry32(7), 10_000);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(9_990);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it('rejects a non-finite seed instead of silently using 0', () => {
    for (const seed of [Number.NaN, Number.POSITIVE_INFINITY, '3' as unknown as number]) {
      let error: unknown;
      try {
        mulberry32(seed);
      } catch (e) {
        error = e;
      }
      expect(isFmnistError(error, 'INVALID_ARGUMENT')).toBe(true);
      expect((error as Error).message).toMatch(/seed must be a finite number/);
    }
  });
});

describe('shuffledIndices', () => {
  it('gives the fixed order for (10, 42) and (10, 0) (regression guard: changing it reorders every user shuffle)', () => {
    expect([...shuffledIndices(10, 42)]).toEqual([0, 7, 3, 5, 2, 1, 8, 9, 4, 6]);
    expect([...shuffledIndices(10, 0)]).toEqual([3, 8, 6, 4, 5, 9, 7, 1, 0, 2]);
  });

  it('is a deterministic permutation', () => {
    const a = shuffledIndices(1000, 123);
    expect(a).toBeInstanceOf(Uint32Array);
    expect(a).toEqual(shuffledIndices(1000, 123));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(a).not.toEqual(shuffledIndices(1000, 124));
    // Not the identity: a shuffle that does nothing would pass the permutation check.
    expect([...a].filter((v, i) => v === i).length).toBeLessThan(20);
  });

  it('handles 0 and 1 elements', () => {
    expect([...shuffledIndices(0, 1)]).toEqual([]);
    expect([...shuffledIndices(1, 1)]).toEqual([0]);
  });

  it('rejects a bad count', () => {
    for (const count of [-1, 1.5, Number.NaN, 2 ** 32]) {
      expect(() => shuffledIndices(count, 0)).toThrow(/count must be an integer from 0 to/);
      try {
        shuffledIndices(count, 0);
      } catch (e) {
        expect(isFmnistError(e, 'INVALID_ARGUMENT')).toBe(true);
      }
    }
  });
});
