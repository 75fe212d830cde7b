// Tests of batching: counts, order, shuffles, remainders and reused buffers.
import {
  type Batch,
  batchCount,
  batches,
  batchesAsync,
  type DatasetSplit,
  shuffledIndices,
  toFloat32,
} from '@fmnist/core';
import { describe, expect, it, vi } from 'vitest';
import { errorOf } from './helpers.ts';

/** 10 samples of 2x2 pixels; pixel p of image i is `i * 20 + p`; label i % 3. */
function makeSplit(count = 10, dataset = 'fashion-mnist'): DatasetSplit {
  return {
    dataset,
    split: 'train',
    images: Uint8Array.from({ length: count * 4 }, (_, k) => Math.floor(k / 4) * 20 + (k % 4)),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 3),
    count,
    imageShape: [2, 2],
    classNames: ['x', 'y', 'z'],
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Plain-array snapshot, safe to keep when buffers are reused. */
function snapshot(b: Batch) {
  return {
    images: [...b.images],
    labels: [...b.labels],
    oneHot: b.oneHot ? [...b.oneHot] : undefined,
    size: b.size,
    indices: [...b.indices],
    index: b.index,
  };
}

describe('batchCount', () => {
  it('counts full and partial batches', () => {
    expect(batchCount(10, 4)).toBe(3);
    expect(batchCount(10, 4, true)).toBe(2);
    expect(batchCount(8, 4)).toBe(2);
    expect(batchCount(8, 4, true)).toBe(2);
    expect(batchCount(0, 4)).toBe(0);
    expect(batchCount(3, 4, true)).toBe(0);
  });

  it('rejects bad arguments', () => {
    expect(errorOf(() => batchCount(10, 0))).toBe('batchSize must be a positive integer, got 0.');
    expect(errorOf(() => batchCount(-1, 2))).toBe(
      'batchCount: count must be a non-negative integer, got -1.',
    );
  });
});

describe('batches', () => {
  it('yields samples in order with a partial last batch by default', () => {
    const s = makeSplit();
    const all = [...batches(s, { batchSize: 4 })];
    expect(all.map((b) => b.size)).toEqual([4, 4, 2]);
    expect(all.map((b) => b.index)).toEqual([0, 1, 2]);
    expect(all.flatMap((b) => [...b.indices])).toEqual(range(10));
    expect(all[2].images.length).toBe(8);
    expect(all[2].labels.length).toBe(2);
    // pixels are scaled source pixels, labels follow their images
    expect([...all[1].images.subarray(0, 4)]).toEqual(
      [80, 81, 82, 83].map((v) => Math.fround(v / 255)),
    );
    expect([...all[1].labels]).toEqual([1, 2, 0, 1]);
    expect(all[0].oneHot).toBeUndefined();
  });

  it('drops the partial batch with dropLast', () => {
    const all = [...batches(makeSplit(), { batchSize: 4, dropLast: true })];
    expect(all.map((b) => b.size)).toEqual([4, 4]);
    expect(all.flatMap((b) => [...b.indices])).toEqual(range(8));
  });

  it('visits samples in shuffledIndices(count, seed) order when shuffling', () => {
    const s = makeSplit();
    const order = [...shuffledIndices(10, 42)];
    const all = [...batches(s, { batchSize: 3, shuffle: true, seed: 42 })];
    expect(all.flatMap((b) => [...b.indices])).toEqual(order);
    const expectedPixels = toFloat32(
      Uint8Array.from(order.flatMap((i) => range(4).map((p) => i * 20 + p))),
    );
    expect(all.flatMap((b) => [...b.images])).toEqual([...expectedPixels]);
    expect(all.flatMap((b) => [...b.labels])).toEqual(order.map((i) => i % 3));
    // seed defaults to 0
    const zero = [...batches(s, { batchSize: 10, shuffle: true })];
    expect([...zero[0].indices]).toEqual([...shuffledIndices(10, 0)]);
  });

  it("standardizes with the split's dataset mean/std unless given", () => {
    const fm = [...batches(makeSplit(2), { batchSize: 2, normalize: 'standardize' })][0];
    const mn = [...batches(makeSplit(2, 'mnist'), { batchSize: 2, normalize: 'standardize' })][0];
    const bytes = makeSplit(2).images;
    expect(fm.images).toEqual(
      toFloat32(bytes, { normalize: 'standardize', dataset: 'fashion-mnist' }),
    );
    expect(mn.images).toEqual(toFloat32(bytes, { normalize: 'standardize', dataset: 'mnist' }));
    expect(mn.images).not.toEqual(fm.images);
    const explicit = [
      ...batches(makeSplit(2, 'unregistered'), {
        batchSize: 2,
        normalize: 'standardize',
        mean: 0,
        std: 1 / 255,
      }),
    ][0];
    expect([...explicit.images]).toEqual([0, 1, 2, 3, 20, 21, 22, 23]);
    expect(() =>
      batches(makeSplit(2, 'unregistered'), { batchSize: 2, normalize: 'standardize' }),
    ).toThrow(/Unknown dataset "unregistered"/);
    const raw = [...batches(makeSplit(2), { batchSize: 2, normalize: 'none' })][0];
    expect([...raw.images]).toEqual([0, 1, 2, 3, 20, 21, 22, 23]);
  });

  it('adds one-hot labels sized by classNames', () => {
    const all = [...batches(makeSplit(4), { batchSize: 3, oneHot: true })];
    expect([...(all[0].oneHot as Float32Array)]).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect([...(all[1].oneHot as Float32Array)]).toEqual([1, 0, 0]);
  });

  it('allocates fresh arrays per batch by default', () => {
    const [a, b] = [...batches(makeSplit(), { batchSize: 4, oneHot: true })];
    expect(a.images).not.toBe(b.images);
    expect(a.images.buffer).not.toBe(b.images.buffer);
    expect(a.labels.buffer).not.toBe(b.labels.buffer);
    expect(a.indices.buffer).not.toBe(b.indices.buffer);
    expect(a.indices[0]).toBe(0);
  });

  it('reuses the same buffers with reuseBuffers, views for the partial batch', () => {
    const s = makeSplit();
    const expected = [...batches(s, { batchSize: 4, oneHot: true, shuffle: true, seed: 3 })].map(
      snapshot,
    );
    const it = batches(s, {
      batchSize: 4,
      oneHot: true,
      shuffle: true,
      seed: 3,
      reuseBuffers: true,
    });
    const first = it.next().value as Batch;
    const firstImages = first.images;
    expect(snapshot(first)).toEqual(expected[0]);
    const second = it.next().value as Batch;
    expect(second.images).toBe(firstImages);
    expect(second.labels).toBe(first.labels);
    expect(second.indices).toBe(first.indices);
    expect(second.oneHot).toBe(first.oneHot);
    // the first batch's contents were overwritten: callers must copy before next()
    expect([...firstImages]).toEqual(expected[1].images);
    expect(snapshot(second)).toEqual(expected[1]);
    const third = it.next().value as Batch;
    expect(third.size).toBe(2);
    expect(third.images.buffer).toBe(firstImages.buffer);
    expect(third.images.length).toBe(8);
    expect(third.labels.buffer).toBe(first.labels.buffer);
    expect(third.oneHot?.buffer).toBe(first.oneHot?.buffer);
    expect(third.oneHot?.length).toBe(6);
    expect(snapshot(third)).toEqual(expected[2]);
    expect(it.next().done).toBe(true);
  });

  it('checks the split and options when called, not at the first next()', () => {
    const s = makeSplit();
    expect(errorOf(() => batches(s, { batchSize: 0 }))).toBe(
      'batchSize must be a positive integer, got 0.',
    );
    expect(errorOf(() => batches(s, { batchSize: 2.5 }))).toMatch(/got 2.5/);
    expect(errorOf(() => batches({ ...s, count: 11 }, { batchSize: 2 }))).toMatch(
      /^Invalid DatasetSplit: images.length is 40/,
    );
    expect(errorOf(() => batchesAsync({ ...s, labels: new Uint8Array(9) }, { batchSize: 2 }))).toBe(
      'Invalid DatasetSplit: labels.length is 9 but count is 10.',
    );
    expect(
      errorOf(() => batches(s, { batchSize: 2, out: new Float32Array(8) as unknown as undefined })),
    ).toMatch(/out option is not supported/);
    expect(errorOf(() => batches(s, { batchSize: 2, shuffle: true, seed: Number.NaN }))).toMatch(
      /seed must be a finite number/,
    );
    expect(errorOf(() => batches(s, undefined as unknown as { batchSize: number }))).toBe(
      'batches: options with a batchSize are required.',
    );
  });

  it('yields nothing for an empty split', () => {
    expect([...batches(makeSplit(0), { batchSize: 4 })]).toEqual([]);
  });
});

describe('batchesAsync', () => {
  it('yields the same batches as batches()', async () => {
    const s = makeSplit(25);
    for (const options of [
      { batchSize: 4, shuffle: true, seed: 9, oneHot: true },
      { batchSize: 5, dropLast: true, normalize: 'standardize' as const },
      { batchSize: 7, shuffle: true, seed: 1, reuseBuffers: true },
    ]) {
      const sync = [...batches(s, options)].map(snapshot);
      const got: ReturnType<typeof snapshot>[] = [];
      for await (const b of batchesAsync(s, options)) got.push(snapshot(b));
      expect(got).toEqual(options.reuseBuffers ? expectedReuse(s, options) : sync);
    }
  });

  /** Per batch, how many times a chain of `schedule` (setImmediate) callbacks had run when it arrived. */
  async function immediatesSeenPerBatch(
    schedule: (callback: () => void) => unknown,
    options: { yieldEveryMs?: number } = { yieldEveryMs: 0 },
  ) {
    let immediates = 0;
    let stop = false;
    const tick = () => {
      immediates++;
      if (!stop) schedule(tick);
    };
    schedule(tick);
    const seen: number[] = [];
    try {
      for await (const b of batchesAsync(makeSplit(10), { batchSize: 1, ...options })) {
        seen.push(immediates);
        void b;
      }
    } finally {
      stop = true;
    }
    return seen;
  }

  // With only microtask yields no immediate could run until the loop had finished.
  it('lets macrotasks run between batches with yieldEveryMs 0 (setImmediate where it exists)', async () => {
    const seen = await immediatesSeenPerBatch(setImmediate);
    expect(seen[0]).toBe(0);
    expect(seen[9]).toBeGreaterThanOrEqual(5);
  });

  it('lets macrotasks run between batches via MessageChannel without setImmediate (browsers)', async () => {
    const schedule = setImmediate;
    vi.stubGlobal('setImmediate', undefined);
    let seen: number[];
    try {
      seen = await immediatesSeenPerBatch(schedule);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(globalThis.setImmediate).toBe(schedule);
    expect(seen[0]).toBe(0);
    expect(seen[9]).toBeGreaterThanOrEqual(5);
  });

  /** {@link immediatesSeenPerBatch} with the iterator's clock advancing `stepMs` per reading. */
  async function seenWithClock(stepMs: number, options?: { yieldEveryMs?: number }) {
    let now = 1000;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => {
      now += stepMs;
      return now;
    });
    try {
      return await immediatesSeenPerBatch(setImmediate, options);
    } finally {
      clock.mockRestore();
    }
  }

  it('yields by default once 16 ms have passed since the last turn, not before', async () => {
    // A clock that stands still: no batch waits for a turn, so no immediate runs in the loop.
    expect(await seenWithClock(0, {})).toEqual(new Array(10).fill(0));
    // 20 ms per reading: every batch after the first finds 16 ms gone and yields first.
    const seen = await seenWithClock(20, {});
    expect(seen[0]).toBe(0);
    for (let b = 1; b < 10; b++) expect(seen[b]).toBeGreaterThan(seen[b - 1]);
    // 20 ms per reading against a 50 ms budget: a turn every third batch.
    const sparse = await seenWithClock(20, { yieldEveryMs: 50 });
    const turns = sparse.filter((n, b) => b > 0 && n > sparse[b - 1]).length;
    expect(turns).toBe(3);
  });

  it('rejects a yieldEveryMs that is not a finite number >= 0', () => {
    for (const yieldEveryMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, '16']) {
      const message = errorOf(() =>
        batchesAsync(makeSplit(4), { batchSize: 2, yieldEveryMs: yieldEveryMs as number }),
      );
      expect(message).toContain('yieldEveryMs');
    }
  });
});

/** Snapshots of a reuseBuffers run taken by the sync iterator before each next(). */
function expectedReuse(s: DatasetSplit, options: Parameters<typeof batches>[1]) {
  const out: ReturnType<typeof snapshot>[] = [];
  for (const b of batches(s, options)) out.push(snapshot(b));
  return out;
}
