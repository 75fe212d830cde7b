// Tests of the pixel transforms: toFloat32 in every layout and normalisation, and oneHot.
import {
  type DatasetDescriptor,
  fashionMnist,
  layoutShape,
  mnist,
  oneHot,
  toFloat32,
} from '@fmnist/core';
import { describe, expect, it } from 'vitest';
import { errorOf } from './helpers.ts';

const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('toFloat32', () => {
  it('scales to [0, 1] exactly as x / 255 by default', () => {
    const out = toFloat32(Uint8Array.of(0, 51, 255));
    expect(out).toBeInstanceOf(Float32Array);
    expect([...out]).toEqual([0, Math.fround(0.2), 1]);
    const all = toFloat32(allBytes, { normalize: 'scale' });
    for (let v = 0; v < 256; v++) expect(all[v]).toBe(Math.fround(v / 255));
  });

  it('gives the same floats on large inputs at any alignment, in every mode', () => {
    // Past 65,536 pixels aligned runs take the two-pixels-per-store path: check it against the
    // per-pixel formula with the source and output starting at every offset modulo 8.
    const length = 70_001;
    const backing = Uint8Array.from({ length: length + 8 }, (_, i) => (i * 37 + (i >> 7)) & 255);
    for (const [normalize, f] of [
      ['scale', (v: number) => v / 255],
      ['none', (v: number) => v],
      ['standardize', (v: number) => v * (1 / (255 * 0.25)) + -0.5 / 0.25],
    ] as const) {
      for (const start of [0, 1, 2, 3, 5]) {
        const images = backing.subarray(start, start + length);
        const outBacking = new Float32Array(length + 2);
        const out = outBacking.subarray(start % 2, (start % 2) + length);
        toFloat32(images, { normalize, mean: 0.5, std: 0.25, out });
        for (let i = 0; i < length; i++) {
          if (out[i] !== Math.fround(f(images[i]))) {
            expect({ normalize, start, i, got: out[i] }).toBe(Math.fround(f(images[i])));
          }
        }
      }
    }
  });

  it("keeps raw values with 'none'", () => {
    expect([...toFloat32(Uint8Array.of(0, 7, 255), { normalize: 'none' })]).toEqual([0, 7, 255]);
  });

  it('standardizes with explicit mean/std', () => {
    const out = toFloat32(Uint8Array.of(0, 51, 255), {
      normalize: 'standardize',
      mean: 0.5,
      std: 0.25,
    });
    expect(out[0]).toBe(-2);
    expect(out[1]).toBeCloseTo(-1.2, 6);
    expect(out[2]).toBe(2);
  });

  it("standardizes with Fashion-MNIST's mean/std by default, or the named dataset's", () => {
    const fm = toFloat32(allBytes, { normalize: 'standardize' });
    const mn = toFloat32(allBytes, { normalize: 'standardize', dataset: 'mnist' });
    for (let v = 0; v < 256; v++) {
      const expectedFm = (v / 255 - (fashionMnist.mean as number)) / (fashionMnist.std as number);
      const expectedMn = (v / 255 - (mnist.mean as number)) / (mnist.std as number);
      expect(Math.abs(fm[v] - expectedFm)).toBeLessThan(1e-6);
      expect(Math.abs(mn[v] - expectedMn)).toBeLessThan(1e-6);
    }
    expect(fm[0]).toBeCloseTo(-0.8102576, 6);
    // an explicit mean overrides only the mean
    const half = toFloat32(Uint8Array.of(0), { normalize: 'standardize', mean: 0 });
    expect(half[0]).toBe(0);
  });

  it('accepts a Node Buffer', () => {
    expect([...toFloat32(Buffer.from([0, 255]))]).toEqual([0, 1]);
  });

  it('writes into out and returns it', () => {
    const out = new Float32Array(3).fill(9);
    const result = toFloat32(Uint8Array.of(255, 0, 255), { out });
    expect(result).toBe(out);
    expect([...out]).toEqual([1, 0, 1]);
  });

  it('rejects bad input with INVALID_ARGUMENT', () => {
    expect(errorOf(() => toFloat32([1, 2] as unknown as Uint8Array))).toBe(
      'toFloat32: images must be a Uint8Array.',
    );
    expect(errorOf(() => toFloat32(new Uint8ClampedArray(2) as unknown as Uint8Array))).toMatch(
      /must be a Uint8Array/,
    );
    expect(errorOf(() => toFloat32(allBytes, { out: new Float32Array(255) }))).toBe(
      'toFloat32: out must be a Float32Array of length 256 (one float per pixel), got length 255.',
    );
    expect(
      errorOf(() => toFloat32(allBytes, { out: new Float64Array(256) as unknown as Float32Array })),
    ).toMatch(/got another type/);
    expect(
      errorOf(() => toFloat32(allBytes, { normalize: 'minmax' as unknown as 'scale' })),
    ).toMatch(/Unknown normalize "minmax"/);
    expect(errorOf(() => toFloat32(allBytes, { normalize: 'standardize', std: 0 }))).toBe(
      'std must be a finite number above 0, got 0.',
    );
    expect(
      errorOf(() => toFloat32(allBytes, { normalize: 'standardize', mean: Number.NaN, std: 1 })),
    ).toBe('mean must be a finite number, got NaN.');
    const noStats: DatasetDescriptor = {
      ...fashionMnist,
      id: 'no-stats',
      mean: undefined,
      std: undefined,
    };
    expect(errorOf(() => toFloat32(allBytes, { normalize: 'standardize', dataset: noStats }))).toBe(
      'Dataset "no-stats" has no mean/std: pass mean and std to standardize it.',
    );
    // with explicit stats that dataset is fine
    expect(
      toFloat32(Uint8Array.of(255), {
        normalize: 'standardize',
        dataset: noStats,
        mean: 0,
        std: 1,
      })[0],
    ).toBe(1);
    errorOf(
      () => toFloat32(allBytes, { normalize: 'standardize', dataset: 'nope' }),
      'UNKNOWN_DATASET',
    );
  });
});

describe('oneHot', () => {
  it('encodes each label as a row', () => {
    expect([...oneHot(Uint8Array.of(2, 0, 1), 3)]).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    const ten = oneHot(Uint8Array.of(9));
    expect(ten.length).toBe(10);
    expect(ten.indexOf(1)).toBe(9);
    expect(oneHot(new Uint8Array(0), 3).length).toBe(0);
  });

  it('zeroes and fills a reused out array', () => {
    const out = new Float32Array(6).fill(7);
    expect(oneHot(Uint8Array.of(1, 0), 3, out)).toBe(out);
    expect([...out]).toEqual([0, 1, 0, 1, 0, 0]);
  });

  it('rejects labels >= numClasses and bad sizes', () => {
    expect(errorOf(() => oneHot(Uint8Array.of(0, 3, 1), 3))).toBe(
      'oneHot: label 3 at index 1 is not below numClasses 3.',
    );
    expect(errorOf(() => oneHot(Uint8Array.of(0), 0))).toBe(
      'oneHot: numClasses must be a positive integer, got 0.',
    );
    expect(errorOf(() => oneHot(Uint8Array.of(0), 2.5))).toMatch(/positive integer, got 2.5/);
    expect(errorOf(() => oneHot(Uint8Array.of(0, 1), 3, new Float32Array(5)))).toBe(
      'oneHot: out must be a Float32Array of length 6 (labels.length * numClasses).',
    );
  });
});

describe('layoutShape', () => {
  it('shapes flat, nhwc and nchw', () => {
    expect(layoutShape('flat', 5)).toEqual([5, 784]);
    expect(layoutShape('nhwc', 5)).toEqual([5, 28, 28, 1]);
    expect(layoutShape('nchw', 5)).toEqual([5, 1, 28, 28]);
    expect(layoutShape('flat', 2, 3, 4)).toEqual([2, 12]);
    expect(layoutShape('nhwc', 2, 3, 4)).toEqual([2, 3, 4, 1]);
    expect(layoutShape('nchw', 0, 3, 4)).toEqual([0, 1, 3, 4]);
  });

  it('rejects unknown layouts and bad dimensions', () => {
    expect(errorOf(() => layoutShape('chw' as 'flat', 1))).toBe(
      `layoutShape: unknown layout "chw"; use 'flat', 'nhwc' or 'nchw'.`,
    );
    expect(errorOf(() => layoutShape('flat', -1))).toBe(
      'layoutShape: count must be a non-negative integer, got -1.',
    );
    expect(errorOf(() => layoutShape('flat', 1, 1.5))).toMatch(/height must be/);
    expect(errorOf(() => layoutShape('flat', 1, 28, Number.NaN))).toMatch(/width must be/);
  });
});
