// Tests of the split operations: subsets, shuffles, shards, class filters and train/validation.
import {
  assertDatasetSplit,
  type DatasetSplit,
  filterClasses,
  shard,
  shuffledIndices,
  shuffleSplit,
  subset,
  trainValidationSplit,
} from '@fmnist/core';
import { describe, expect, it } from 'vitest';
// Not yet exported from the package entry (the lead wires it); the module is the same one.
import { concatSplits } from '../src/splits.ts';
import { errorOf } from './helpers.ts';

/**
 * A split of 2x2 images whose pixel p of image i is `i * 4 + p` (unique while i < 64), so every
 * copied or viewed row can be traced back to its source sample.
 */
function makeSplit(labels: number[], classNames = ['a', 'b', 'c', 'd']): DatasetSplit {
  const count = labels.length;
  return {
    dataset: 'toy',
    split: 'train',
    images: Uint8Array.from({ length: count * 4 }, (_, k) => k & 255),
    labels: Uint8Array.from(labels),
    count,
    imageShape: [2, 2],
    classNames,
  };
}

/** Source index of each sample, read back from its first pixel. */
function sources(split: DatasetSplit): number[] {
  const out: number[] = [];
  for (let i = 0; i < split.count; i++) {
    const first = split.images[i * 4];
    // the whole row must be the source row, in order
    for (let p = 0; p < 4; p++) expect(split.images[i * 4 + p]).toBe(first + p);
    out.push(first / 4);
  }
  return out;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('assertDatasetSplit', () => {
  it('accepts a well-formed split, including a Buffer-backed one', () => {
    expect(() => assertDatasetSplit(makeSplit([0, 1, 2]))).not.toThrow();
    const s = makeSplit([0, 1]);
    expect(() => assertDatasetSplit({ ...s, images: Buffer.from(s.images) })).not.toThrow();
  });

  it('names each problem', () => {
    const good = makeSplit([0, 1, 2]);
    expect(errorOf(() => assertDatasetSplit(null))).toBe(
      'Invalid DatasetSplit: expected a DatasetSplit object, got null.',
    );
    expect(errorOf(() => assertDatasetSplit(5))).toMatch(
      /expected a DatasetSplit object, got number/,
    );
    expect(errorOf(() => assertDatasetSplit({ ...good, images: new Float32Array(12) }))).toBe(
      'Invalid DatasetSplit: images must be a Uint8Array.',
    );
    expect(errorOf(() => assertDatasetSplit({ ...good, labels: [0, 1, 2] }))).toBe(
      'Invalid DatasetSplit: labels must be a Uint8Array.',
    );
    expect(errorOf(() => assertDatasetSplit({ ...good, count: 2.5 }))).toMatch(
      /count must be a non-negative integer, got 2.5/,
    );
    expect(errorOf(() => assertDatasetSplit({ ...good, imageShape: [2] }))).toMatch(
      /imageShape must be \[height, width\]/,
    );
    expect(errorOf(() => assertDatasetSplit({ ...good, imageShape: [2, 0] }))).toMatch(
      /imageShape must be/,
    );
    expect(errorOf(() => assertDatasetSplit({ ...good, classNames: [] }))).toMatch(
      /classNames must be a non-empty array/,
    );
    expect(errorOf(() => assertDatasetSplit({ ...good, images: new Uint8Array(11) }))).toBe(
      'Invalid DatasetSplit: images.length is 11 but count * height * width is 3 * 2 * 2 = 12.',
    );
    expect(errorOf(() => assertDatasetSplit({ ...good, labels: Uint8Array.of(0, 1) }))).toBe(
      'Invalid DatasetSplit: labels.length is 2 but count is 3.',
    );
    expect(errorOf(() => assertDatasetSplit(makeSplit([0, 4, 1])))).toBe(
      'Invalid DatasetSplit: label 4 at index 1 is not below classNames.length 4.',
    );
  });
});

describe('subset', () => {
  it('returns zero-copy views for a range', () => {
    const s = makeSplit([0, 1, 2, 3, 0, 1]);
    const part = subset(s, { start: 2, count: 3 });
    expect(part.count).toBe(3);
    expect(sources(part)).toEqual([2, 3, 4]);
    expect([...part.labels]).toEqual([2, 3, 0]);
    expect(part.images.buffer).toBe(s.images.buffer);
    expect(part.labels.buffer).toBe(s.labels.buffer);
    part.labels[0] = 3;
    expect(s.labels[2]).toBe(3);
    expect(part.classNames).toBe(s.classNames);
    expect(part.dataset).toBe('toy');
  });

  it('defaults to the rest of the split', () => {
    const s = makeSplit([0, 1, 2, 3]);
    expect(sources(subset(s, { start: 1 }))).toEqual([1, 2, 3]);
    expect(sources(subset(s))).toEqual([0, 1, 2, 3]);
    expect(subset(s, { start: 4 }).count).toBe(0);
    expect(sources(subset(s, { count: 2 }))).toEqual([0, 1]);
  });

  it('gathers a copy for indices, in their order', () => {
    const s = makeSplit([0, 1, 2, 3]);
    const part = subset(s, { indices: [3, 0, 3] });
    expect(sources(part)).toEqual([3, 0, 3]);
    expect([...part.labels]).toEqual([3, 0, 3]);
    expect(part.images.buffer).not.toBe(s.images.buffer);
    expect(subset(s, { indices: Uint32Array.of(1) }).count).toBe(1);
  });

  it('rejects out-of-range requests', () => {
    const s = makeSplit([0, 1, 2, 3]);
    expect(errorOf(() => subset(s, { start: 5 }))).toBe('subset: start 5 is outside 0..4.');
    expect(errorOf(() => subset(s, { start: -1 }))).toMatch(/start -1 is outside/);
    expect(errorOf(() => subset(s, { start: 2, count: 3 }))).toBe(
      'subset: count 3 from start 2 goes past the end of 4 samples.',
    );
    expect(errorOf(() => subset(s, { count: -1 }))).toMatch(/count -1/);
    expect(errorOf(() => subset(s, { indices: [0, 4] }))).toBe(
      'subset: index 4 at position 1 is outside 0..3.',
    );
    expect(errorOf(() => subset(s, { indices: [1.5] }))).toMatch(/index 1.5 at position 0/);
    expect(errorOf(() => subset(s, { indices: [0], start: 0 }))).toBe(
      'subset: pass either indices or start/count, not both.',
    );
    expect(errorOf(() => subset({ ...s, count: 3 }))).toMatch(/Invalid DatasetSplit/);
  });
});

describe('filterClasses', () => {
  const s = makeSplit([0, 1, 2, 3, 2, 1, 0]);

  it('keeps the chosen classes in order with their original ids', () => {
    const f = filterClasses(s, [2, 'b']);
    expect(sources(f)).toEqual([1, 2, 4, 5]);
    expect([...f.labels]).toEqual([1, 2, 2, 1]);
    expect(f.classNames).toEqual(['a', 'b', 'c', 'd']);
    expect(f.count).toBe(4);
    expect(filterClasses(s, []).count).toBe(0);
    expect(sources(filterClasses(s, ['d', 'd']))).toEqual([3]);
  });

  it('rejects unknown names and ids', () => {
    expect(errorOf(() => filterClasses(s, ['e']))).toBe(
      'filterClasses: unknown class name "e"; known: "a", "b", "c", "d".',
    );
    expect(errorOf(() => filterClasses(s, [4]))).toBe('filterClasses: class id 4 is outside 0..3.');
    expect(errorOf(() => filterClasses(s, [-1]))).toMatch(/class id -1/);
  });
});

describe('shard', () => {
  it('cuts contiguous near-equal shards that cover every sample once', () => {
    const s = makeSplit(range(10).map((i) => i % 4));
    const shards = [0, 1, 2].map((index) => shard(s, { index, count: 3 }));
    expect(shards.map((x) => x.count)).toEqual([4, 3, 3]);
    expect(shards.map(sources)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(shards[1].images.buffer).toBe(s.images.buffer);
    for (const count of [1, 2, 4, 7, 10, 13]) {
      const all = range(count).flatMap((index) => sources(shard(s, { index, count })));
      expect(all).toEqual(range(10));
      const sizes = range(count).map((index) => shard(s, { index, count }).count);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('rejects bad shard numbers', () => {
    const s = makeSplit([0, 1]);
    expect(errorOf(() => shard(s, { index: 0, count: 0 }))).toBe(
      'shard: count must be a positive integer, got 0.',
    );
    expect(errorOf(() => shard(s, { index: 2, count: 2 }))).toBe(
      'shard: index must be an integer from 0 to 1, got 2.',
    );
    expect(errorOf(() => shard(s, { index: -1, count: 2 }))).toMatch(/got -1/);
  });
});

describe('shard: the two forms', () => {
  it('the { index, count } form is contiguous; { rank, worldSize } interleaves', () => {
    const s = makeSplit(range(10).map((i) => i % 4));
    expect(sources(shard(s, { index: 1, count: 3 }))).toEqual([4, 5, 6]);
    expect(sources(shard(s, { rank: 1, worldSize: 3, shuffle: false }))).toEqual([1, 4, 7, 0]);
    // they agree only for a single shard
    expect(sources(shard(s, { rank: 0, worldSize: 1, shuffle: false }))).toEqual(
      sources(shard(s, { index: 0, count: 1 })),
    );
  });
});

describe('concatSplits', () => {
  it("joins parts in order into a copy that keeps the first part's fields", () => {
    const s = makeSplit(range(6).map((i) => i % 4));
    const a = subset(s, { start: 4 });
    const b = subset(s, { start: 0, count: 2 });
    const joined = concatSplits([a, { ...b, split: 'test' }, a]);
    expect(sources(joined)).toEqual([4, 5, 0, 1, 4, 5]);
    expect([...joined.labels]).toEqual([0, 1, 0, 1, 0, 1]);
    expect(joined.count).toBe(6);
    expect(joined.split).toBe('train');
    expect(joined.images.buffer).not.toBe(s.images.buffer);
    expect(sources(concatSplits([b]))).toEqual([0, 1]);
    expect(concatSplits([subset(s, { count: 0 }), b]).count).toBe(2);
  });

  it('rejects no parts and parts of different datasets or shapes', () => {
    const s = makeSplit([0, 1]);
    expect(errorOf(() => concatSplits([]))).toBe('concatSplits: pass at least one split.');
    expect(errorOf(() => concatSplits([s, { ...s, dataset: 'other' }]))).toBe(
      'concatSplits: every part must share dataset, imageShape and classNames; "other" 2x2 does not match "toy" 2x2.',
    );
    expect(errorOf(() => concatSplits([s, { ...s, imageShape: [1, 4] as const }]))).toMatch(
      /"toy" 1x4 does not match "toy" 2x2/,
    );
    expect(errorOf(() => concatSplits([s, { ...s, classNames: ['a', 'b', 'c', 'e'] }]))).toMatch(
      /must share dataset, imageShape and classNames/,
    );
    expect(errorOf(() => concatSplits([s, { ...s, count: 3 }]))).toMatch(/Invalid DatasetSplit/);
  });
});

describe('trainValidationSplit', () => {
  // 4 classes x 10 samples, interleaved
  const balanced = makeSplit(range(40).map((i) => i % 4));

  function checkPartition(train: DatasetSplit, validation: DatasetSplit, total: number) {
    const t = sources(train);
    const v = sources(validation);
    expect(t.filter((x) => v.includes(x))).toEqual([]);
    expect([...t, ...v].sort((a, b) => a - b)).toEqual(range(total));
    // original order is kept
    expect(t).toEqual([...t].sort((a, b) => a - b));
    expect(v).toEqual([...v].sort((a, b) => a - b));
    // labels travel with their images
    for (const part of [train, validation]) {
      sources(part).forEach((src, i) => {
        expect(part.labels[i]).toBe(src % 4);
      });
    }
  }

  const classCounts = (split: DatasetSplit) => {
    const counts = [0, 0, 0, 0];
    for (const l of split.labels) counts[l]++;
    return counts;
  };

  it('stratified keeps per-class proportions exactly on a balanced set', () => {
    for (const seed of [0, 1, 99]) {
      const { train, validation } = trainValidationSplit(balanced, {
        validationFraction: 0.2,
        stratified: true,
        seed,
      });
      expect(classCounts(validation)).toEqual([2, 2, 2, 2]);
      expect(classCounts(train)).toEqual([8, 8, 8, 8]);
      checkPartition(train, validation, 40);
    }
  });

  it('stratified rounds by largest remainder so the total is exact', () => {
    // class sizes 6, 3, 1 and 5 validation samples: quotas 3, 1.5, 0.5 -> 3, 2 (tie to the lower id), 0
    const s = makeSplit([0, 0, 0, 0, 0, 0, 1, 1, 1, 2]);
    const { train, validation } = trainValidationSplit(s, {
      validationSize: 5,
      stratified: true,
      seed: 3,
    });
    expect(classCounts(validation)).toEqual([3, 2, 0, 0]);
    expect(validation.count).toBe(5);
    expect(train.count).toBe(5);
  });

  it('stratified is seeded', () => {
    const run = (seed: number) =>
      sources(
        trainValidationSplit(balanced, { validationFraction: 0.5, stratified: true, seed })
          .validation,
      );
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('non-stratified takes the first shuffled indices as validation', () => {
    const s = makeSplit(range(20).map((i) => i % 4));
    const { train, validation } = trainValidationSplit(s, { validationSize: 7, seed: 11 });
    expect(validation.count).toBe(7);
    expect(train.count).toBe(13);
    expect(sources(validation)).toEqual(
      [...shuffledIndices(20, 11).subarray(0, 7)].sort((a, b) => a - b),
    );
    checkPartition(train, validation, 20);
    // default seed is 0
    expect(sources(trainValidationSplit(s, { validationSize: 7 }).validation)).toEqual(
      [...shuffledIndices(20, 0).subarray(0, 7)].sort((a, b) => a - b),
    );
  });

  it('rounds a fraction to the nearest count and allows the extremes', () => {
    const s = makeSplit(range(10).map((i) => i % 4));
    expect(trainValidationSplit(s, { validationFraction: 0.25 }).validation.count).toBe(3);
    expect(trainValidationSplit(s, { validationFraction: 0 }).validation.count).toBe(0);
    expect(trainValidationSplit(s, { validationFraction: 1 }).train.count).toBe(0);
  });

  it('rejects missing, doubled or out-of-range sizes', () => {
    expect(errorOf(() => trainValidationSplit(balanced, {}))).toBe(
      'trainValidationSplit: pass validationFraction or validationSize.',
    );
    expect(
      errorOf(() => trainValidationSplit(balanced, { validationFraction: 0.1, validationSize: 4 })),
    ).toBe('trainValidationSplit: pass validationFraction or validationSize, not both.');
    expect(errorOf(() => trainValidationSplit(balanced, { validationFraction: 1.5 }))).toBe(
      'trainValidationSplit: validationFraction must be from 0 to 1, got 1.5.',
    );
    expect(
      errorOf(() => trainValidationSplit(balanced, { validationFraction: Number.NaN })),
    ).toMatch(/got NaN/);
    expect(errorOf(() => trainValidationSplit(balanced, { validationSize: 41 }))).toBe(
      'trainValidationSplit: validationSize must be an integer from 0 to 40, got 41.',
    );
    expect(
      errorOf(() => trainValidationSplit(balanced, { validationSize: 2, seed: Number.NaN })),
    ).toMatch(/seed must be a finite number/);
  });
});

describe('shuffleSplit', () => {
  it('reorders samples by shuffledIndices(count, seed)', () => {
    const s = makeSplit(range(10).map((i) => i % 4));
    const shuffled = shuffleSplit(s, 42);
    expect(sources(shuffled)).toEqual([0, 7, 3, 5, 2, 1, 8, 9, 4, 6]);
    expect([...shuffled.labels]).toEqual([0, 7, 3, 5, 2, 1, 8, 9, 4, 6].map((i) => i % 4));
    expect(shuffled.images.buffer).not.toBe(s.images.buffer);
    expect(sources(shuffleSplit(s, 43))).not.toEqual(sources(shuffled));
  });
});
