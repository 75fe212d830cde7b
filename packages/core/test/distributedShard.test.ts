// shard({ rank, worldSize, ... }): PyTorch DistributedSampler's dealing rule, checked by property tests and an oracle.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DistributedShardOptions,
  distributedShardIndices,
  distributedShardSize,
} from '../src/distributedShard.ts';
import { shuffledIndices } from '../src/random.ts';
import { type DatasetSplit, shard } from '../src/splits.ts';
import { errorOf } from './helpers.ts';

/**
 * `DistributedSampler.__iter__` transcribed from PyTorch, with fmnist's permutation standing in
 * for `torch.randperm`: pad by repeating the list (whole copies when the padding is longer than
 * it), or cut it to `total_size`, then take `indices[rank:total_size:num_replicas]`.
 */
function pytorchOracle(
  n: number,
  {
    rank,
    worldSize,
    seed = 0,
    epoch = 0,
    shuffle = true,
    dropLast = false,
  }: DistributedShardOptions,
): number[] {
  let indices = shuffle ? [...shuffledIndices(n, seed + epoch)] : [...Array(n).keys()];
  const numSamples =
    dropLast && n % worldSize !== 0
      ? Math.ceil((n - worldSize) / worldSize)
      : Math.ceil(n / worldSize);
  const totalSize = numSamples * worldSize;
  if (!dropLast) {
    const padding = totalSize - indices.length;
    if (padding <= indices.length) indices = indices.concat(indices.slice(0, padding));
    else {
      const copies = Math.ceil(padding / indices.length);
      const repeated = Array.from({ length: copies }, () => indices).flat();
      indices = indices.concat(repeated.slice(0, padding));
    }
  } else {
    indices = indices.slice(0, totalSize);
  }
  const out: number[] = [];
  for (let i = rank; i < totalSize; i += worldSize) out.push(indices[i]);
  return out;
}

/** 1x1-pixel split whose pixel is the sample's index (n <= 256). */
function toy(n: number): DatasetSplit {
  return {
    dataset: 'toy',
    split: 'train',
    images: Uint8Array.from({ length: n }, (_, i) => i),
    labels: Uint8Array.from({ length: n }, (_, i) => i % 3),
    count: n,
    imageShape: [1, 1],
    classNames: ['a', 'b', 'c'],
  };
}

const ranks = (worldSize: number) => [...Array(worldSize).keys()];

const setup = fc.record({
  n: fc.integer({ min: 0, max: 256 }),
  worldSize: fc.integer({ min: 1, max: 9 }),
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  epoch: fc.integer({ min: 0, max: 1000 }),
  shuffle: fc.boolean(),
  dropLast: fc.boolean(),
});

describe('shard with DistributedSampler semantics', () => {
  it('deals out small cases as PyTorch does', () => {
    // 10 samples, 3 ranks, no shuffle: padded with sample 0 and 1 (wrap to the start)
    const plain = { worldSize: 3, shuffle: false };
    expect(ranks(3).map((rank) => [...distributedShardIndices(10, { ...plain, rank })])).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7, 0],
      [2, 5, 8, 1],
    ]);
    expect(
      ranks(3).map((rank) => [...distributedShardIndices(10, { ...plain, rank, dropLast: true })]),
    ).toEqual([
      [0, 3, 6],
      [1, 4, 7],
      [2, 5, 8],
    ]);
    // fewer samples than ranks: the list repeats whole
    expect(
      ranks(5).map((rank) => [
        ...distributedShardIndices(2, { rank, worldSize: 5, shuffle: false }),
      ]),
    ).toEqual([[0], [1], [0], [1], [0]]);
    expect(distributedShardIndices(2, { rank: 4, worldSize: 5, dropLast: true }).length).toBe(0);
    expect(distributedShardIndices(0, { rank: 0, worldSize: 2 }).length).toBe(0);
    // shuffled: positions rank, rank + worldSize, ... of shuffledIndices(n, seed + epoch)
    const order = shuffledIndices(10, 7 + 2);
    expect([...distributedShardIndices(10, { rank: 1, worldSize: 2, seed: 7, epoch: 2 })]).toEqual(
      [1, 3, 5, 7, 9].map((p) => order[p]),
    );
    expect(distributedShardSize(10, 3)).toBe(4);
    expect(distributedShardSize(10, 3, true)).toBe(3);
    expect(distributedShardSize(9, 3, true)).toBe(3);
  });

  it('copies the chosen samples with their labels', () => {
    const s = toy(10);
    const part = shard(s, { rank: 2, worldSize: 3, shuffle: false });
    expect([...part.images]).toEqual([2, 5, 8, 1]);
    expect([...part.labels]).toEqual([2, 5, 8, 1].map((i) => i % 3));
    expect(part.count).toBe(4);
    expect(part.images.buffer).not.toBe(s.images.buffer);
    expect(part.classNames).toBe(s.classNames);
  });

  it('matches the PyTorch dealing rule for any size, rank count, seed and epoch', () => {
    fc.assert(
      fc.property(setup, fc.nat(), ({ n, worldSize, ...rest }, r) => {
        const options = { rank: r % worldSize, worldSize, ...rest };
        expect([...distributedShardIndices(n, options)]).toEqual(pytorchOracle(n, options));
      }),
      { numRuns: 800 },
    );
  });

  it('gives every rank the same number of samples', () => {
    fc.assert(
      fc.property(setup, ({ n, worldSize, ...rest }) => {
        const size = distributedShardSize(n, worldSize, rest.dropLast);
        expect(size).toBe(rest.dropLast ? Math.floor(n / worldSize) : Math.ceil(n / worldSize));
        for (const rank of ranks(worldSize)) {
          expect(shard(toy(n), { rank, worldSize, ...rest }).count).toBe(size);
          expect(distributedShardIndices(n, { rank, worldSize, ...rest }).length).toBe(size);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('without padding, shards are disjoint and together cover the split', () => {
    fc.assert(
      fc.property(setup, ({ n, worldSize, ...rest }) => {
        const count = n - (n % worldSize); // a multiple of worldSize: nothing padded or dropped
        const all = ranks(worldSize).flatMap((rank) => [
          ...distributedShardIndices(count, { rank, worldSize, ...rest }),
        ]);
        expect(all.length).toBe(count);
        expect(new Set(all).size).toBe(count);
        expect([...all].sort((a, b) => a - b)).toEqual([...Array(count).keys()]);
        // with dropLast on any size: still disjoint, and only the tail is left out
        const dropped = ranks(worldSize).flatMap((rank) => [
          ...distributedShardIndices(n, { rank, worldSize, ...rest, dropLast: true }),
        ]);
        expect(new Set(dropped).size).toBe(dropped.length);
        expect(dropped.length).toBe(count);
      }),
      { numRuns: 300 },
    );
  });

  it('with padding, covers the split and repeats only the start of the order', () => {
    fc.assert(
      fc.property(setup, ({ n, worldSize, seed, epoch, shuffle }) => {
        fc.pre(n > 0);
        const all = ranks(worldSize).flatMap((rank) => [
          ...distributedShardIndices(n, { rank, worldSize, seed, epoch, shuffle }),
        ]);
        expect(new Set(all).size).toBe(n);
        expect(all.length).toBe(Math.ceil(n / worldSize) * worldSize);
      }),
      { numRuns: 300 },
    );
  });

  it('same seed and epoch give the same order on every call; another epoch another order', () => {
    const n = fc.integer({ min: 20, max: 300 });
    fc.assert(
      fc.property(
        n,
        fc.integer({ min: 1, max: 4 }),
        fc.nat(),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        (count, worldSize, seed, epoch, step) => {
          const order = (e: number) =>
            ranks(worldSize).map((rank) => [
              ...distributedShardIndices(count, { rank, worldSize, seed, epoch: e }),
            ]);
          expect(order(epoch)).toEqual(order(epoch));
          expect(order(epoch + step)).not.toEqual(order(epoch));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('shuffle: false is the identity order', () => {
    fc.assert(
      fc.property(setup, ({ n, worldSize, seed, epoch, dropLast }) => {
        for (const rank of ranks(worldSize)) {
          const got = distributedShardIndices(n, {
            rank,
            worldSize,
            seed,
            epoch,
            dropLast,
            shuffle: false,
          });
          got.forEach((index, i) => {
            expect(index).toBe((rank + i * worldSize) % n);
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a bad rank, worldSize, epoch or seed, and mixed forms', () => {
    const s = toy(4);
    expect(errorOf(() => shard(s, { rank: 2, worldSize: 2 }))).toBe(
      'shard: rank must be an integer from 0 to 1 (worldSize 2), got 2.',
    );
    expect(errorOf(() => shard(s, { rank: -1, worldSize: 2 }))).toMatch(/got -1\.$/);
    expect(errorOf(() => shard(s, { rank: 0.5, worldSize: 2 }))).toMatch(/got 0.5\.$/);
    expect(errorOf(() => shard(s, { rank: 0, worldSize: 0 }))).toBe(
      'shard: worldSize must be a positive integer, got 0.',
    );
    expect(errorOf(() => shard(s, { rank: 0 } as never))).toBe(
      'shard: worldSize must be a positive integer, got undefined.',
    );
    expect(errorOf(() => shard(s, { rank: 0, worldSize: 2, epoch: 1.5 }))).toBe(
      'shard: epoch must be an integer, got 1.5.',
    );
    expect(
      errorOf(() => shard(s, { rank: 0, worldSize: 2, shuffle: false, seed: Number.NaN })),
    ).toBe('shard: seed must be a finite number, got NaN.');
    expect(errorOf(() => shard(s, { rank: 0, worldSize: 2, index: 0, count: 2 } as never))).toBe(
      'shard: pass either { rank, worldSize } or { index, count }, not both.',
    );
    try {
      shard(s, { rank: 3, worldSize: 2 });
    } catch (e) {
      expect((e as { details: unknown }).details).toEqual({ rank: 3, worldSize: 2 });
    }
  });
});
