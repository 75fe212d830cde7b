// Which sample indices one data-parallel worker reads, with PyTorch DistributedSampler semantics (seeded shared permutation, interleaved ranks, equal counts).
import { FmnistError } from './errors.ts';
import { shuffledIndices } from './random.ts';

/**
 * Options for the `{ rank, worldSize }` form of `shard`, named after PyTorch's
 * `DistributedSampler(dataset, num_replicas, rank, shuffle, seed, drop_last)` plus `set_epoch`.
 */
export interface DistributedShardOptions {
  /** This worker's rank, an integer from 0 to `worldSize - 1` (PyTorch's `rank`). */
  rank: number;
  /** Number of workers, a positive integer (PyTorch's `num_replicas`). */
  worldSize: number;
  /** Seed shared by every rank; the permutation uses `seed + epoch`. Default 0, as in PyTorch. */
  seed?: number;
  /** Epoch number (PyTorch's `set_epoch`), so each epoch gets a new order. Default 0. */
  epoch?: number;
  /** Permute before dealing out; `false` keeps the split's order. Default true, as in PyTorch. */
  shuffle?: boolean;
  /**
   * Drop the tail so that every rank gets `floor(count / worldSize)` samples. Default false:
   * every rank gets `ceil(count / worldSize)`, the permutation padded by wrapping to its start.
   */
  dropLast?: boolean;
}

/**
 * Samples per rank for a split of `count` samples: `floor(count / worldSize)` with `dropLast`,
 * else `ceil(count / worldSize)` (PyTorch's `num_samples`, also `len(sampler)`).
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a bad `count` or `worldSize`.
 */
export function distributedShardSize(count: number, worldSize: number, dropLast = false): number {
  checkCount(count);
  checkWorldSize(worldSize);
  return dropLast ? Math.floor(count / worldSize) : Math.ceil(count / worldSize);
}

/**
 * The indices rank `rank` reads, in order, the way PyTorch's `DistributedSampler.__iter__` picks
 * them: every rank builds the same order (`shuffledIndices(count, seed + epoch)`, or `0..count-1`
 * without `shuffle`), cuts it to `totalSize = worldSize * size` (`size` from
 * {@link distributedShardSize}) by dropping its tail with `dropLast` or by repeating it from its
 * start otherwise, and takes positions `rank, rank + worldSize, rank + 2 * worldSize, ...`.
 *
 * So ranks are disjoint and cover the split when `count` is a multiple of `worldSize`; otherwise
 * either the first `totalSize - count` samples of the order appear twice (padding) or the last
 * `count - totalSize` are read by nobody this epoch (`dropLast`), exactly as in PyTorch.
 *
 * The permutation comes from fmnist's Mulberry32 Fisher-Yates (see `shuffledIndices`), not from
 * `torch.randperm`, so it is the same on every platform but not PyTorch's bit for bit: only the
 * dealing-out rule is shared.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a `rank` outside `[0, worldSize)` or not an integer,
 *   a `worldSize` that is not a positive integer, a non-integer `epoch`, or a non-finite `seed`.
 */
export function distributedShardIndices(
  count: number,
  options: DistributedShardOptions,
): Uint32Array {
  const { rank, worldSize, seed = 0, epoch = 0, shuffle = true, dropLast = false } = options;
  const size = distributedShardSize(count, worldSize, dropLast);
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) {
    invalid(
      `shard: rank must be an integer from 0 to ${worldSize - 1} (worldSize ${worldSize}), got ${String(rank)}`,
      { rank, worldSize },
    );
  }
  if (!Number.isSafeInteger(epoch)) {
    invalid(`shard: epoch must be an integer, got ${String(epoch)}`, { epoch });
  }
  // Checked even without shuffle, so a bad seed is caught before the run that turns shuffle on.
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    invalid(`shard: seed must be a finite number, got ${String(seed)}`, { seed });
  }
  const order = shuffle ? shuffledIndices(count, seed + epoch) : identity(count);
  const indices = new Uint32Array(size);
  // Position p of the padded order is order[p % count]; p < totalSize keeps count > 0 here.
  for (let i = 0, p = rank; i < size; i++, p += worldSize) indices[i] = order[p % count];
  return indices;
}

function identity(count: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order;
}

function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 0 || count > 0xffffffff) {
    invalid(`shard: count must be an integer from 0 to 4294967295, got ${String(count)}`, {
      count,
    });
  }
}

function checkWorldSize(worldSize: number): void {
  if (!Number.isInteger(worldSize) || worldSize < 1) {
    invalid(`shard: worldSize must be a positive integer, got ${String(worldSize)}`, { worldSize });
  }
}

function invalid(message: string, details: Record<string, unknown>): never {
  throw new FmnistError('INVALID_ARGUMENT', `${message}.`, { details });
}
