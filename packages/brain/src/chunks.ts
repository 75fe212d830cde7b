// A split as brain.js training data in chunks, lazily, in core batches order.
import {
  assertDatasetSplit,
  type Batch,
  type BatchOptions,
  batches,
  batchesAsync,
  type DatasetSplit,
} from '@fmnist/core';
import {
  type BrainDataOptions,
  type BrainTrainingSet,
  type BrainTrainingSetOf,
  checkOptions,
  floatOptionsOf,
  toData,
} from './trainingSet.ts';
import { type BrainInputFormat, resolveFormat } from './version.ts';

/** Options for {@link trainingChunks} and {@link trainingChunksAsync}. */
export interface BrainChunkOptions extends BrainDataOptions {
  /** Samples per chunk, i.e. per `net.train()` call; a positive integer. */
  chunkSize: number;
  /** Visit samples in the order `shuffledIndices(count, seed)`, exactly like core's `batches`. Default false. */
  shuffle?: boolean;
  /** Shuffle seed. Use a different seed per epoch for a new order each epoch. Default 0. */
  seed?: number;
  /** Skip a final chunk smaller than `chunkSize`. Default false. */
  dropLast?: boolean;
}

/** One chunk: a ready brain.js training set plus where its samples came from. */
export interface BrainChunk<Data = BrainTrainingSetOf<Record<never, never>>> {
  /** `{ input, output }` samples for `net.train(chunk.data, { iterations: 1 })`. */
  data: Data;
  /** The chunk's pixels: every `Float32Array` input is a view on this one buffer. */
  inputs: Float32Array;
  /** Class id of each sample. */
  labels: Uint8Array;
  /** Index of each sample in the source split. */
  indices: Uint32Array;
  /** Number of samples. */
  size: number;
  /** 0-based chunk number within the pass. */
  index: number;
}

/**
 * The split as a sequence of brain.js training sets of `chunkSize` samples, for incremental
 * training of sets too large to convert at once (brain.js 1.x's `number[]` inputs take about 8
 * bytes per pixel: 376 MB for Fashion-MNIST's 60,000 training images) or to report progress:
 *
 * ```ts
 * for (let epoch = 0; epoch < 3; epoch++) {
 *   for (const chunk of trainingChunks(train, { chunkSize: 5000, shuffle: true, seed: epoch })) {
 *     net.train(chunk.data, { iterations: 1, errorThresh: 1e-6 });
 *   }
 * }
 * ```
 *
 * brain.js keeps its weights, momentum and lookup tables between `train()` calls, so a pass over
 * all chunks with `iterations: 1` is one epoch of its per-sample updates. Chunks are built lazily
 * with core's `batches` (same order for the same seed); only one chunk is in memory at a time
 * unless you keep them. With `labels: 'class-names'` pass `hashOutputs: 'dense'` so the first
 * chunk defines every output (see {@link BrainDataOptions.hashOutputs}).
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a malformed split or bad options, when called.
 */
export function trainingChunks<const O extends BrainChunkOptions>(
  split: DatasetSplit,
  options: O,
): IterableIterator<BrainChunk<BrainTrainingSetOf<O>>> {
  const plan = prepare(split, options);
  return mapIterator(
    batches(split, plan.batchOptions),
    (batch) => toChunk(batch, plan) as BrainChunk<BrainTrainingSetOf<O>>,
  );
}

/**
 * Like {@link trainingChunks}, but lets the event loop run between chunks (core's `batchesAsync`),
 * so a page stays responsive and can paint progress while a network trains chunk by chunk.
 */
export function trainingChunksAsync<const O extends BrainChunkOptions>(
  split: DatasetSplit,
  options: O,
): AsyncIterableIterator<BrainChunk<BrainTrainingSetOf<O>>> {
  const plan = prepare(split, options);
  const source = batchesAsync(split, plan.batchOptions);
  return (async function* () {
    for await (const batch of source)
      yield toChunk(batch, plan) as BrainChunk<BrainTrainingSetOf<O>>;
  })();
}

interface ChunkPlan {
  batchOptions: BatchOptions;
  options: BrainDataOptions;
  format: BrainInputFormat;
  classNames: readonly string[];
  pixels: number;
}

function prepare(split: DatasetSplit, options: BrainChunkOptions): ChunkPlan {
  assertDatasetSplit(split);
  checkOptions(options, 'trainingChunks');
  const format = resolveFormat(options.format, options.brain);
  const batchOptions: BatchOptions = {
    ...floatOptionsOf(options, split),
    batchSize: options.chunkSize,
    shuffle: options.shuffle ?? false,
    seed: options.seed ?? 0,
    dropLast: options.dropLast ?? false,
  };
  return {
    batchOptions,
    options,
    format,
    classNames: split.classNames,
    pixels: split.imageShape[0] * split.imageShape[1],
  };
}

function toChunk(batch: Batch, plan: ChunkPlan): BrainChunk<BrainTrainingSet> {
  return {
    data: toData(
      batch.images,
      batch.labels,
      plan.classNames,
      plan.pixels,
      plan.options,
      plan.format,
    ),
    inputs: batch.images,
    labels: batch.labels,
    indices: batch.indices,
    size: batch.size,
    index: batch.index,
  };
}

function mapIterator<A, B>(source: IterableIterator<A>, map: (a: A) => B): IterableIterator<B> {
  return (function* () {
    for (const item of source) yield map(item);
  })();
}
