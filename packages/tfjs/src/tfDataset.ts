// Dataset splits as tf.data datasets that convert one batch at a time.
import {
  type AugmentOptions,
  assertDatasetSplit,
  type Batch,
  batchCount,
  batchesAsync,
  type DatasetSplit,
  layoutShape,
} from '@fmnist/core';
import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import { type Dataset, generator } from '@tensorflow/tfjs-data';
import { copiesOnWrite } from './copiesOnWrite.ts';
import {
  type ImagesTensor,
  type LabelEncoding,
  type LabelsTensor,
  labelsTensor,
  resolveTensorOptions,
  type TensorOptions,
} from './tensors.ts';

/** Options for {@link toTfDataset}: batching (core's `batches` semantics) plus the tensor options. */
export interface TfDatasetOptions<
  L extends 'flat' | 'nhwc' | 'nchw' = 'nhwc',
  E extends LabelEncoding = 'one-hot',
> extends TensorOptions<L, E> {
  /** Samples per batch; a positive integer. */
  batchSize: number;
  /** Visit samples in core's `shuffledIndices(count, seed)` order. Default false. */
  shuffle?: boolean;
  /** Shuffle seed for the first pass. Default 0. */
  seed?: number;
  /** Drop a final batch smaller than `batchSize`. Default false. */
  dropLast?: boolean;
  /**
   * With `shuffle`, pass `k` (0-based: every `iterator()` call, e.g. every `fitDataset` epoch)
   * uses seed `seed + k`, so epochs see different orders while the whole run stays reproducible.
   * Pass 0 is exactly core's `batches(split, { shuffle: true, seed })`. Default true; false
   * repeats the first order every pass.
   */
  reshuffleEachIteration?: boolean;
  /**
   * Seeded random shifts and horizontal flips of every batch (core's `batches({ augment })`), e.g.
   * `{ maxShift: 2, flip: true }`. Pass `k` draws with seed `(augment.seed ?? seed) + k` (with
   * `reshuffleEachIteration`), so each epoch sees new variants and a rerun sees the same ones.
   * Default: none.
   */
  augment?: AugmentOptions;
}

/** One element of the dataset from {@link toTfDataset}. */
export interface TfBatch<
  L extends 'flat' | 'nhwc' | 'nchw' = 'nhwc',
  E extends LabelEncoding = 'one-hot',
> {
  /** float32 images of this batch, shaped by `layout`. */
  xs: ImagesTensor<L>;
  /** Labels of this batch: one-hot float32 `[b, numClasses]`, or class ids `[b]` (`'sparse'` float32, `'int32'`). */
  ys: LabelsTensor<E>;
  // TensorContainerObject compatibility for tf.data.
  [key: string]: Tensor;
}

/**
 * A `tf.data.Dataset` of `{ xs, ys }` batches over a split, for `model.fitDataset`.
 *
 * Built on core's batch iterator (`batchesAsync`, which also lets the event loop run between
 * batches, at least every 16 ms): only one batch at a time is converted to floats, never a
 * `Float32Array` of the whole split, so the 60,000-image training set costs its 47 MB of bytes
 * plus one batch. Each batch's
 * tensors are created when tf.data asks for it; `fitDataset` disposes them after the step, and a
 * manual `forEachAsync`/`iterator()` consumer must dispose them itself. On the wasm backend, which
 * copies values into its heap as a tensor is created, one batch's arrays are refilled for the
 * next instead of allocated afresh (core's `reuseBuffers`); other backends keep the arrays they
 * are given, so they get new ones.
 *
 * The dataset's `size` is the number of batches per pass.
 *
 * @param split A core `DatasetSplit`.
 * @param options See {@link TfDatasetOptions}.
 * @throws FmnistError `INVALID_ARGUMENT` (when called, not on first use) for a malformed split or
 *   bad options.
 */
export function toTfDataset<
  L extends 'flat' | 'nhwc' | 'nchw' = 'nhwc',
  E extends LabelEncoding = 'one-hot',
>(split: DatasetSplit, options: TfDatasetOptions<L, E>): Dataset<TfBatch<L, E>> {
  assertDatasetSplit(split);
  const { layout, labels } = resolveTensorOptions(options);
  const baseSeed = options.seed ?? 0;
  const reshuffle = options.reshuffleEachIteration ?? true;
  const [height, width] = split.imageShape;
  const numClasses = split.classNames.length;
  // A pass's batches, and whether they refill one batch's arrays (see copiesOnWrite).
  const iterate = (pass: number) => {
    // Core sizes reused arrays for a full batch, so not for a batch larger than the split.
    const reused = copiesOnWrite() && options.batchSize <= split.count;
    const source = batchesAsync(split, {
      batchSize: options.batchSize,
      shuffle: options.shuffle ?? false,
      seed: reshuffle ? baseSeed + pass : baseSeed,
      dropLast: options.dropLast ?? false,
      normalize: options.normalize,
      mean: options.mean,
      std: options.std,
      oneHot: labels === 'one-hot',
      augment: augmentForPass(options.augment, baseSeed, reshuffle ? pass : 0),
      reuseBuffers: reused,
    });
    return { source, reused };
  };
  // Created now so that bad options throw here rather than deep inside fitDataset; pass 0 uses it.
  let first: ReturnType<typeof iterate> | undefined = iterate(0);
  let pass = 0;
  const toElement = (batch: Batch, reused: boolean): TfBatch<L, E> => {
    // A backend switched mid-pass may keep the array it is given: hand it a copy then.
    const own = reused && !copiesOnWrite();
    const images = own ? batch.images.slice() : batch.images;
    const rows = own ? batch.oneHot?.slice() : batch.oneHot;
    const xs = tensor(images, layoutShape(layout, batch.size, height, width), 'float32');
    const ys = labelsTensor(batch.labels, labels, numClasses, rows);
    return { xs, ys } as unknown as TfBatch<L, E>;
  };
  const dataset = generator<TfBatch<L, E>>(() => {
    const { source, reused } = first ?? iterate(pass);
    first = undefined;
    pass++;
    return {
      async next() {
        const step = await source.next();
        return step.done
          ? { done: true, value: undefined }
          : { done: false, value: toElement(step.value, reused) };
      },
    } as AsyncIterator<TfBatch<L, E>>;
  });
  (dataset as { size: number }).size = batchCount(
    split.count,
    options.batchSize,
    options.dropLast ?? false,
  );
  return dataset;
}

/** The augment options of pass `pass`: the seed moved on by the pass (anything else goes to core to refuse). */
function augmentForPass(
  augment: AugmentOptions | undefined,
  baseSeed: number,
  pass: number,
): AugmentOptions | undefined {
  if (typeof augment !== 'object' || augment === null) return augment;
  return { ...augment, seed: (augment.seed ?? baseSeed) + pass };
}
