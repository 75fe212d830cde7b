// Mini-batches of a split as Float32Array pixels, in order or shuffled, with optional one-hot labels and reused buffers.
import { type AugmentOptions, activeAugment, applyAugment } from './augment.ts';
import { FmnistError } from './errors.ts';
import { checkBatchOptions } from './optionChecks.ts';
import { shuffledIndices } from './random.ts';
import { assertDatasetSplit, type DatasetSplit } from './splits.ts';
import { affineFor, convertRange, type Float32Options, oneHot } from './transforms.ts';

/** One mini-batch from {@link batches} or {@link batchesAsync}. */
export interface Batch {
  /** `size * H * W` floats, image after image, normalized as asked. */
  images: Float32Array;
  /** `size` class ids. */
  labels: Uint8Array;
  /** `size * numClasses` one-hot floats (numClasses = `split.classNames.length`), when `oneHot: true`. */
  oneHot?: Float32Array;
  /** Number of samples in this batch: `batchSize`, or fewer for a final partial batch. */
  size: number;
  /** For each sample of the batch, its index in the source split. */
  indices: Uint32Array;
  /** 0-based number of this batch within the epoch. */
  index: number;
}

/** Options for {@link batches} and {@link batchesAsync}; the {@link Float32Options} pick the normalization. */
export interface BatchOptions extends Float32Options {
  /** Samples per batch; a positive integer. */
  batchSize: number;
  /** Visit samples in the order `shuffledIndices(count, seed)` instead of `0..count-1`. Default false. */
  shuffle?: boolean;
  /** Shuffle seed (see `mulberry32`); the same seed gives the same order everywhere. Default 0. */
  seed?: number;
  /** Drop a final batch smaller than `batchSize` instead of yielding it. Default false. */
  dropLast?: boolean;
  /** Also fill {@link Batch.oneHot}. Default false. */
  oneHot?: boolean;
  /**
   * Fill the same `images`/`labels`/`oneHot`/`indices` arrays for every batch instead of allocating
   * fresh ones (less garbage in long training loops). Each batch is then only valid until the next
   * `next()` call: copy anything you keep (or hand it to a framework that copies) before asking for
   * the next batch. A final partial batch gets `subarray` views of the same buffers. `batchSize`
   * must then not exceed the split's `count` (INVALID_ARGUMENT). Default false.
   */
  reuseBuffers?: boolean;
  /**
   * Seeded random shifts and flips of every batch's images (see `augmentImages`), applied after
   * normalization; pixels moved in from outside get the normalized value of a raw 0. Batch `b`'s
   * draws depend only on `augment.seed` (default: `seed`) and `b`, so the same options give the
   * same augmented batches on every platform, and a new `seed` per epoch gives new draws.
   * Labels, `indices` and the order are unchanged. Default: no augmentation.
   */
  augment?: AugmentOptions;
  /**
   * {@link batchesAsync} only: the longest the event loop may go without a turn, in
   * milliseconds. Before each batch after the first, the iterator yields to the event loop if at
   * least this long has passed since its last yield (or since it started), the consumer's own
   * work on the previous batches included. Default 16 (one frame at 60 Hz); `0` yields before
   * every batch. A yield is a macrotask, so whatever is queued runs in it (timers, I/O, the
   * engine's garbage-collection tasks): about 0.1 ms per batch in a 5 ms training step, which
   * yielding every batch would add to every step.
   */
  yieldEveryMs?: number;
  /** Not supported here: batches size their own buffers (see `reuseBuffers`). */
  out?: undefined;
}

/**
 * Number of batches an epoch of `count` samples yields.
 *
 * @param dropLast When true a final partial batch is not counted. Default false.
 * @throws FmnistError `INVALID_ARGUMENT` for a negative `count` or a non-positive `batchSize`.
 */
export function batchCount(count: number, batchSize: number, dropLast = false): number {
  if (!Number.isInteger(count) || count < 0) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `batchCount: count must be a non-negative integer, got ${String(count)}.`,
    );
  }
  checkBatchSize(batchSize);
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/**
 * Mini-batches of a split as `Float32Array` pixels, synchronously. Options are checked when this is
 * called, not at the first `next()`. With `normalize: 'standardize'` and no `mean`/`std`, the
 * split's own dataset (`split.dataset`) supplies them.
 *
 * Batch `b` holds the samples at positions `b * batchSize ..` of the visiting order, which is
 * `0..count-1` or, with `shuffle`, `shuffledIndices(count, seed)`; `Batch.indices` lists them.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a malformed split or bad options.
 */
export function batches(split: DatasetSplit, options: BatchOptions): IterableIterator<Batch> {
  return generate(prepare(split, options));
}

/**
 * Like {@link batches}, but yields to the event loop (a real macrotask: `setImmediate` in Node,
 * a `MessageChannel` message in browsers) before a batch once `yieldEveryMs` (default 16 ms)
 * have passed since the last yield, so that timers, I/O and rendering keep running during long
 * epochs. Yields exactly the same batches as {@link batches} for the same arguments.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a malformed split or bad options (when called).
 */
export function batchesAsync(
  split: DatasetSplit,
  options: BatchOptions,
): AsyncIterableIterator<Batch> {
  return generateAsync(prepare(split, options), options.yieldEveryMs ?? YIELD_EVERY_MS);
}

/** Default {@link BatchOptions.yieldEveryMs}: one frame at 60 Hz. */
const YIELD_EVERY_MS = 16;

interface Plan {
  split: DatasetSplit;
  order: Uint32Array | undefined;
  batchSize: number;
  total: number;
  scale: number;
  offset: number;
  withOneHot: boolean;
  reuse: boolean;
  /** Resolved augmentation (seed filled in), or undefined when it would change nothing. */
  augment: (AugmentOptions & { seed: number }) | undefined;
}

function prepare(split: DatasetSplit, options: BatchOptions): Plan {
  assertDatasetSplit(split);
  if (typeof options !== 'object' || options === null) {
    throw new FmnistError('INVALID_ARGUMENT', 'batches: options with a batchSize are required.');
  }
  checkBatchSize(options.batchSize);
  checkBatchOptions(options, split.count);
  if (options.out !== undefined) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      'batches: the out option is not supported; use reuseBuffers to avoid allocations.',
    );
  }
  const { scale, offset } = affineFor({ ...options, dataset: options.dataset ?? split.dataset });
  const seed = options.seed ?? 0;
  const active = activeAugment(options.augment, 'batches');
  const augment = active ? { ...active, seed: active.seed ?? seed } : undefined;
  return {
    split,
    order: options.shuffle ? shuffledIndices(split.count, seed) : undefined,
    batchSize: options.batchSize,
    total: batchCount(split.count, options.batchSize, options.dropLast ?? false),
    scale,
    offset,
    withOneHot: options.oneHot ?? false,
    reuse: options.reuseBuffers ?? false,
    augment,
  };
}

function* generate(plan: Plan): IterableIterator<Batch> {
  const fill = batchFiller(plan);
  for (let b = 0; b < plan.total; b++) yield fill(b);
}

async function* generateAsync(plan: Plan, yieldEveryMs: number): AsyncIterableIterator<Batch> {
  const fill = batchFiller(plan);
  let lastTurn = performance.now();
  for (let b = 0; b < plan.total; b++) {
    if (b > 0 && performance.now() - lastTurn >= yieldEveryMs) {
      await yieldToEventLoop();
      lastTurn = performance.now();
    }
    yield fill(b);
  }
}

function batchFiller(plan: Plan): (b: number) => Batch {
  const { split, order, batchSize, scale, offset, withOneHot, reuse, augment } = plan;
  const [height, width] = split.imageShape;
  const pixels = height * width;
  const numClasses = split.classNames.length;
  const shared = reuse
    ? {
        images: new Float32Array(batchSize * pixels),
        labels: new Uint8Array(batchSize),
        indices: new Uint32Array(batchSize),
        oneHot: withOneHot ? new Float32Array(batchSize * numClasses) : undefined,
      }
    : undefined;
  // The shuffled batch's bytes, side by side (one batch's worth, reused: it never leaves here).
  const gathered = new Uint8Array(order ? Math.min(batchSize, split.count) * pixels : 0);
  return (b) => {
    const start = b * batchSize;
    const size = Math.min(batchSize, split.count - start);
    const full = size === batchSize;
    let images: Float32Array;
    let labels: Uint8Array;
    let indices: Uint32Array;
    if (shared) {
      images = full ? shared.images : shared.images.subarray(0, size * pixels);
      labels = full ? shared.labels : shared.labels.subarray(0, size);
      indices = full ? shared.indices : shared.indices.subarray(0, size);
    } else {
      images = new Float32Array(size * pixels);
      labels = new Uint8Array(size);
      indices = new Uint32Array(size);
    }
    for (let i = 0; i < size; i++) {
      const source = order ? order[start + i] : start + i;
      indices[i] = source;
      labels[i] = split.labels[source];
    }
    if (order) {
      // Gathered first, then converted in one call: one pass of the SIMD kernel over the batch
      // instead of a call (and its fixed cost) per image.
      for (let i = 0; i < size; i++) {
        const from = indices[i] * pixels;
        gathered.set(split.images.subarray(from, from + pixels), i * pixels);
      }
      convertRange(gathered, 0, size * pixels, images, 0, scale, offset);
    } else {
      convertRange(split.images, start * pixels, size * pixels, images, 0, scale, offset);
    }
    // Checked once in prepare(); batch b draws from its own stream.
    if (augment) applyAugment(images, size, height, width, { ...augment, fill: offset, stream: b });
    const batch: Batch = { images, labels, size, indices, index: b };
    if (withOneHot) {
      const out = shared?.oneHot
        ? full
          ? shared.oneHot
          : shared.oneHot.subarray(0, size * numClasses)
        : undefined;
      batch.oneHot = oneHot(labels, numClasses, out);
    }
    return batch;
  };
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `batchSize must be a positive integer, got ${String(batchSize)}.`,
      { details: { batchSize } },
    );
  }
}

/**
 * Resolves on a fresh macrotask, so timers, I/O and rendering get a turn. An awaited resolved
 * promise is only a microtask and lets none of them run. `setImmediate` where it exists (Node, Bun);
 * otherwise a `MessageChannel` message (browsers, Deno, workers), not `setTimeout(0)`, which browsers
 * clamp to 4 ms when nested (seconds per epoch). Each yield uses its own channel and closes it, so
 * nothing is left open to keep a process alive if the iterator is abandoned.
 */
function yieldToEventLoop(): Promise<void> {
  const { setImmediate } = globalThis as { setImmediate?: (callback: () => void) => unknown };
  if (typeof setImmediate === 'function') {
    return new Promise((resolve) => {
      setImmediate(resolve);
    });
  }
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = () => {
        port1.close();
        port2.close();
        resolve();
      };
      port2.postMessage(undefined);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
