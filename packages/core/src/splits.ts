// Operations on one in-memory split (DatasetSplit): check, subset, filter, concatenate, shard, split off validation, shuffle.
import type { Split } from './datasets.ts';
import { type DistributedShardOptions, distributedShardIndices } from './distributedShard.ts';
import { FmnistError } from './errors.ts';
import { mulberry32, shuffledIndices, shuffleInPlace } from './random.ts';
import { isUint8Array } from './transforms.ts';

/**
 * One split of a dataset in memory: what `loadDataset` returns and every transform takes.
 * `images` holds `count * H * W` bytes, row-major, image after image; `labels[i]` is the class of
 * image `i` (an index into `classNames`).
 */
export interface DatasetSplit {
  /** Dataset id, e.g. `'fashion-mnist'`; `batches` uses it to find the mean/std for standardizing. */
  dataset: string;
  /** Which half of the dataset the samples came from. */
  split: Split;
  /** `count * imageShape[0] * imageShape[1]` pixel bytes (0 = background). */
  images: Uint8Array;
  /** One class id per image. */
  labels: Uint8Array;
  /** Number of samples. */
  count: number;
  /** `[height, width]` of one image. */
  imageShape: readonly [number, number];
  /** Class names in label order: `classNames[labels[i]]`. */
  classNames: readonly string[];
}

/**
 * Checks that `split` is a well-formed {@link DatasetSplit} and throws a clear error otherwise.
 * Every adapter entry point calls it first: ragged input would otherwise surface as NaN losses or
 * out-of-bounds reads deep inside a framework.
 *
 * @throws FmnistError `INVALID_ARGUMENT` naming the problem: not an object, images or labels not a
 *   `Uint8Array`, a bad `count` or `imageShape`, `images.length !== count * H * W`,
 *   `labels.length !== count`, or a label `>= classNames.length`.
 */
export function assertDatasetSplit(split: unknown): asserts split is DatasetSplit {
  if (typeof split !== 'object' || split === null) {
    invalid(`expected a DatasetSplit object, got ${split === null ? 'null' : typeof split}`);
  }
  const s = split as Partial<DatasetSplit>;
  if (!isUint8Array(s.images)) invalid('images must be a Uint8Array');
  if (!isUint8Array(s.labels)) invalid('labels must be a Uint8Array');
  const count = s.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    invalid(`count must be a non-negative integer, got ${String(count)}`);
  }
  const shape = s.imageShape;
  if (
    !Array.isArray(shape) ||
    shape.length !== 2 ||
    !shape.every((d) => Number.isInteger(d) && d > 0)
  ) {
    invalid('imageShape must be [height, width] with positive integers');
  }
  if (!Array.isArray(s.classNames) || s.classNames.length === 0) {
    invalid('classNames must be a non-empty array');
  }
  const expected = count * shape[0] * shape[1];
  if (s.images.length !== expected) {
    invalid(
      `images.length is ${s.images.length} but count * height * width is ${count} * ${shape[0]} * ${shape[1]} = ${expected}`,
    );
  }
  if (s.labels.length !== count) {
    invalid(`labels.length is ${s.labels.length} but count is ${count}`);
  }
  const numClasses = s.classNames.length;
  const labels = s.labels;
  for (let i = 0; i < count; i++) {
    if (labels[i] >= numClasses) {
      invalid(`label ${labels[i]} at index ${i} is not below classNames.length ${numClasses}`);
    }
  }
}

/** Options for {@link subset}: either a range (`start`/`count`) or explicit `indices`. */
export interface SubsetOptions {
  /** First sample of the range. Default 0. */
  start?: number;
  /** Number of samples in the range. Default: everything from `start` to the end. */
  count?: number;
  /** Samples to take, in this order (repeats allowed). Cannot be combined with `start`/`count`. */
  indices?: ArrayLike<number>;
}

/**
 * A part of a split. A `start`/`count` range returns zero-copy `subarray` views of the original
 * bytes (writes show through both ways); `indices` gathers a copy in the given order.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a range or index outside the split, non-integers, or
 *   `indices` combined with `start`/`count`.
 */
export function subset(split: DatasetSplit, options: SubsetOptions = {}): DatasetSplit {
  assertDatasetSplit(split);
  const { indices } = options;
  if (indices !== undefined) {
    if (options.start !== undefined || options.count !== undefined) {
      fail('subset: pass either indices or start/count, not both');
    }
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i];
      if (!Number.isInteger(index) || index < 0 || index >= split.count) {
        fail(`subset: index ${String(index)} at position ${i} is outside 0..${split.count - 1}`);
      }
    }
    return gather(split, indices);
  }
  const start = options.start ?? 0;
  if (!Number.isInteger(start) || start < 0 || start > split.count) {
    fail(`subset: start ${String(start)} is outside 0..${split.count}`);
  }
  const count = options.count ?? split.count - start;
  if (!Number.isInteger(count) || count < 0 || start + count > split.count) {
    fail(
      `subset: count ${String(count)} from start ${start} goes past the end of ${split.count} samples`,
    );
  }
  return range(split, start, count);
}

/**
 * Only the samples whose class is in `classes`, in their original order (a copy). Labels keep
 * their original ids and `classNames` is unchanged, so predictions still map to the right names.
 *
 * @param classes Class ids or class names (as in `split.classNames`), mixed freely.
 * @throws FmnistError `INVALID_ARGUMENT` for an unknown class name or an id outside the classes.
 */
export function filterClasses(
  split: DatasetSplit,
  classes: readonly (number | string)[],
): DatasetSplit {
  assertDatasetSplit(split);
  const keep = new Uint8Array(split.classNames.length);
  for (const c of classes) {
    if (typeof c === 'string') {
      const id = split.classNames.indexOf(c);
      if (id < 0) {
        fail(
          `filterClasses: unknown class name "${c}"; known: ${split.classNames.map((n) => `"${n}"`).join(', ')}`,
        );
      }
      keep[id] = 1;
    } else if (Number.isInteger(c) && c >= 0 && c < split.classNames.length) {
      keep[c] = 1;
    } else {
      fail(`filterClasses: class id ${String(c)} is outside 0..${split.classNames.length - 1}`);
    }
  }
  const indices: number[] = [];
  for (let i = 0; i < split.count; i++) if (keep[split.labels[i]]) indices.push(i);
  return gather(split, indices);
}

/**
 * Samples of several splits of one dataset, one split after another, in a new copy. Used for
 * `'train+test'` split strings. The result's `split` field is the first part's.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for no parts, or parts that differ in `dataset`,
 *   `imageShape` or `classNames`.
 */
export function concatSplits(parts: readonly DatasetSplit[]): DatasetSplit {
  if (!parts || parts.length === 0) fail('concatSplits: pass at least one split');
  for (const part of parts) assertDatasetSplit(part);
  const first = parts[0];
  const pixels = first.imageShape[0] * first.imageShape[1];
  for (const part of parts) {
    const same =
      part.dataset === first.dataset &&
      part.imageShape[0] === first.imageShape[0] &&
      part.imageShape[1] === first.imageShape[1] &&
      part.classNames.length === first.classNames.length &&
      part.classNames.every((name, i) => name === first.classNames[i]);
    if (!same) {
      fail(
        `concatSplits: every part must share dataset, imageShape and classNames; "${part.dataset}" ${part.imageShape.join('x')} does not match "${first.dataset}" ${first.imageShape.join('x')}`,
      );
    }
  }
  const count = parts.reduce((sum, part) => sum + part.count, 0);
  const images = new Uint8Array(count * pixels);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const part of parts) {
    images.set(part.images.subarray(0, part.count * pixels), at * pixels);
    labels.set(part.labels.subarray(0, part.count), at);
    at += part.count;
  }
  return { ...first, images, labels, count };
}

/** The `{ index, count }` form of {@link shard}: contiguous blocks. */
export interface ShardOptions {
  /** This shard's number, `0 .. count-1` (e.g. a worker's rank). */
  index: number;
  /** Total number of shards (e.g. the number of workers); a positive integer. */
  count: number;
}

/**
 * One worker's part of a split, in one of two forms.
 *
 * `{ rank, worldSize, seed?, epoch?, shuffle?, dropLast? }` (see {@link DistributedShardOptions}):
 * PyTorch `DistributedSampler` semantics, a copy. Every rank shuffles with `seed + epoch`, takes
 * positions `rank, rank + worldSize, ...` and gets the same number of samples (padding by wrapping
 * to the start, or trimming with `dropLast`); see `distributedShardIndices`. The permutation is
 * fmnist's Mulberry32 shuffle, not PyTorch's bit for bit.
 *
 * `{ index, count }` (the older form, kept as it was): one of `count` contiguous, near-equal
 * shards (zero-copy views), not interleaved and not padded: with `N` samples, the first
 * `N % count` shards get `ceil(N / count)` samples and the rest `floor(N / count)`, in order, so
 * together the shards cover every sample exactly once. Shuffle first (see {@link shuffleSplit}) if
 * the split is sorted in some way. It equals `{ rank: index, worldSize: count, shuffle: false }`
 * only when `count` is 1.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a non-positive `count`/`worldSize`, an `index`/`rank`
 *   outside `0..count-1`, or options that mix the two forms.
 */
export function shard(
  split: DatasetSplit,
  options: ShardOptions | DistributedShardOptions,
): DatasetSplit {
  assertDatasetSplit(split);
  const given = (options ?? {}) as Partial<ShardOptions & DistributedShardOptions>;
  if (given.rank !== undefined || given.worldSize !== undefined) {
    if (given.index !== undefined || given.count !== undefined) {
      fail('shard: pass either { rank, worldSize } or { index, count }, not both');
    }
    return gather(split, distributedShardIndices(split.count, given as DistributedShardOptions));
  }
  const { index, count } = given;
  if (!Number.isInteger(count) || count === undefined || count < 1) {
    fail(`shard: count must be a positive integer, got ${String(count)}`);
  }
  if (!Number.isInteger(index) || index === undefined || index < 0 || index >= count) {
    fail(`shard: index must be an integer from 0 to ${count - 1}, got ${String(index)}`);
  }
  const base = Math.floor(split.count / count);
  const extra = split.count % count;
  const start = index * base + Math.min(index, extra);
  return range(split, start, base + (index < extra ? 1 : 0));
}

/** Options for {@link trainValidationSplit}; give exactly one of `validationFraction` and `validationSize`. */
export interface TrainValidationOptions {
  /** Share of samples for validation, from 0 to 1; the count is `Math.round(count * fraction)`. */
  validationFraction?: number;
  /** Exact number of validation samples, from 0 to `count`. */
  validationSize?: number;
  /** Seed for choosing the validation samples (see `mulberry32`). Default 0. */
  seed?: number;
  /**
   * Keep each class's share the same in both parts: each class is split separately (largest
   * remainder rounding so the total is exact). Default false: shuffle everything, then cut.
   */
  stratified?: boolean;
}

/**
 * Splits off a validation set. The two parts never overlap and together hold every sample once.
 * Both are copies that keep the original sample order (the seed chooses which samples go where;
 * it does not reorder them, so use {@link shuffleSplit} or shuffled batches for that).
 *
 * Non-stratified: the first `v` indices of `shuffledIndices(count, seed)` are the validation set.
 * Stratified: each class `c` with `n_c` samples contributes `v * n_c / count` validation samples,
 * rounded by largest remainder (ties to the lower class id) so the total is exactly `v`; within
 * each class, in class-id order, the samples are Fisher-Yates shuffled from one `mulberry32(seed)`
 * stream and the first ones go to validation.
 *
 * @throws FmnistError `INVALID_ARGUMENT` when neither or both sizes are given, or one is out of range.
 */
export function trainValidationSplit(
  split: DatasetSplit,
  options: TrainValidationOptions,
): { train: DatasetSplit; validation: DatasetSplit } {
  assertDatasetSplit(split);
  const { validationFraction, validationSize, seed = 0, stratified = false } = options ?? {};
  const total = split.count;
  let size: number;
  if (validationFraction !== undefined && validationSize !== undefined) {
    fail('trainValidationSplit: pass validationFraction or validationSize, not both');
  } else if (validationFraction !== undefined) {
    if (
      typeof validationFraction !== 'number' ||
      !(validationFraction >= 0 && validationFraction <= 1)
    ) {
      fail(
        `trainValidationSplit: validationFraction must be from 0 to 1, got ${String(validationFraction)}`,
      );
    }
    size = Math.round(total * validationFraction);
  } else if (validationSize !== undefined) {
    if (!Number.isInteger(validationSize) || validationSize < 0 || validationSize > total) {
      fail(
        `trainValidationSplit: validationSize must be an integer from 0 to ${total}, got ${String(validationSize)}`,
      );
    }
    size = validationSize;
  } else {
    fail('trainValidationSplit: pass validationFraction or validationSize');
  }

  const inValidation = new Uint8Array(total);
  if (!stratified) {
    const order = shuffledIndices(total, seed);
    for (let i = 0; i < size; i++) inValidation[order[i]] = 1;
  } else {
    const random = mulberry32(seed);
    const numClasses = split.classNames.length;
    const byClass: number[][] = Array.from({ length: numClasses }, () => []);
    for (let i = 0; i < total; i++) byClass[split.labels[i]].push(i);
    const quotas = largestRemainder(
      byClass.map((members) => members.length),
      size,
      total,
    );
    for (let c = 0; c < numClasses; c++) {
      const members = shuffleInPlace(Uint32Array.from(byClass[c]), random);
      for (let i = 0; i < quotas[c]; i++) inValidation[members[i]] = 1;
    }
  }
  const train: number[] = [];
  const validation: number[] = [];
  for (let i = 0; i < total; i++) (inValidation[i] ? validation : train).push(i);
  return { train: gather(split, train), validation: gather(split, validation) };
}

/**
 * The whole split in the order `shuffledIndices(count, seed)` (a copy): sample `i` of the result is
 * sample `order[i]` of the input.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a non-finite seed.
 */
export function shuffleSplit(split: DatasetSplit, seed: number): DatasetSplit {
  assertDatasetSplit(split);
  return gather(split, shuffledIndices(split.count, seed));
}

/** Per-group shares of `size` proportional to `counts`, summing exactly to `size`. */
function largestRemainder(counts: number[], size: number, total: number): number[] {
  if (total === 0) return counts.map(() => 0);
  const quotas = counts.map((n) => Math.floor((n * size) / total));
  let left = size - quotas.reduce((a, b) => a + b, 0);
  const byRemainder = counts
    .map((n, c) => ({ c, remainder: (n * size) % total }))
    .sort((a, b) => b.remainder - a.remainder || a.c - b.c);
  for (const { c } of byRemainder) {
    if (left === 0) break;
    if (quotas[c] < counts[c]) {
      quotas[c]++;
      left--;
    }
  }
  return quotas;
}

function range(split: DatasetSplit, start: number, count: number): DatasetSplit {
  const pixels = split.imageShape[0] * split.imageShape[1];
  return {
    ...split,
    images: split.images.subarray(start * pixels, (start + count) * pixels),
    labels: split.labels.subarray(start, start + count),
    count,
  };
}

function gather(split: DatasetSplit, indices: ArrayLike<number>): DatasetSplit {
  const pixels = split.imageShape[0] * split.imageShape[1];
  const count = indices.length;
  const images = new Uint8Array(count * pixels);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const from = indices[i];
    images.set(split.images.subarray(from * pixels, (from + 1) * pixels), i * pixels);
    labels[i] = split.labels[from];
  }
  return { ...split, images, labels, count };
}

function invalid(problem: string): never {
  throw new FmnistError('INVALID_ARGUMENT', `Invalid DatasetSplit: ${problem}.`);
}

function fail(message: string): never {
  throw new FmnistError('INVALID_ARGUMENT', `${message}.`);
}
