// Dataset splits as whole TensorFlow.js tensors: images in a layout, labels one-hot or int32.
import {
  assertDatasetSplit,
  type DatasetSplit,
  FmnistError,
  type Layout,
  layoutShape,
  type Normalize,
  oneHot,
  toFloat32,
} from '@fmnist/core';
import { type Tensor1D, type Tensor2D, type Tensor4D, tensor } from '@tensorflow/tfjs-core';

/**
 * How labels become a tensor:
 * - `'one-hot'`: float32 rows `[N, numClasses]`, for `categoricalCrossentropy`;
 * - `'sparse'`: float32 class ids `[N]`, for `sparseCategoricalCrossentropy` (tfjs 4.x floors
 *   its targets, and `tf.floor` accepts only float32, so int32 targets fail inside `fit`);
 * - `'int32'`: int32 class ids `[N]`, for `tf.oneHot`, `tf.gather` and other integer ops. Not for
 *   `sparseCategoricalCrossentropy` in tfjs 4.x (`'floor' must be float32`): use `'sparse'`.
 */
export type LabelEncoding = 'one-hot' | 'sparse' | 'int32';

/** Every {@link LabelEncoding}, in the order error messages list them. */
const LABEL_ENCODINGS: readonly LabelEncoding[] = ['one-hot', 'sparse', 'int32'];

/** Options shared by {@link toTensors} and `toTfDataset`. */
export interface TensorOptions<L extends Layout = Layout, E extends LabelEncoding = LabelEncoding> {
  /**
   * Pixel mapping, as core's `toFloat32`: `'scale'` to `[0, 1]` (default), `'standardize'` with the
   * split's dataset mean/std (unless `mean`/`std` are given), `'none'` for raw 0..255 floats.
   */
  normalize?: Normalize;
  /** Mean for `'standardize'` (after scaling to `[0, 1]`). Default: the split's dataset mean. */
  mean?: number;
  /** Standard deviation for `'standardize'`. Default: the split's dataset std. */
  std?: number;
  /**
   * Label tensor: `'one-hot'` float32 `[N, numClasses]` (default, for `categoricalCrossentropy`),
   * `'sparse'` float32 class ids `[N]` (for `sparseCategoricalCrossentropy`) or `'int32'` class
   * ids `[N]` (integer ops such as `tf.oneHot`; see {@link LabelEncoding}).
   */
  labels?: E;
  /**
   * Image tensor shape: `'nhwc'` `[N, H, W, 1]` (default; what `tf.layers.conv2d` expects),
   * `'flat'` `[N, H*W]` (dense layers), `'nchw'` `[N, 1, H, W]`. With one channel the memory is
   * the same for all three, so the choice costs nothing.
   */
  layout?: L;
}

/** The image tensor type for a layout. */
export type ImagesTensor<L extends Layout> = L extends 'flat' ? Tensor2D : Tensor4D;
/** The label tensor type for an encoding. */
export type LabelsTensor<E extends LabelEncoding> = E extends 'one-hot' ? Tensor2D : Tensor1D;

/** A split as tensors. The caller owns both: `tf.dispose([xs, ys])` when done. */
export interface SplitTensors<L extends Layout = 'nhwc', E extends LabelEncoding = 'one-hot'> {
  /** float32 images, shaped by `layout` (default `[N, 28, 28, 1]`). */
  xs: ImagesTensor<L>;
  /** Labels: one-hot float32 `[N, numClasses]`, or class ids `[N]` (float32 `'sparse'`, `'int32'`). */
  ys: LabelsTensor<E>;
}

/**
 * A whole split as TensorFlow.js tensors, on the active backend.
 *
 * Memory: the pixels are converted once, by core's `toFloat32`, into a `Float32Array` that is
 * handed to `tf.tensor` (the `cpu` backend keeps that very array; `wasm`/`webgl` copy it to their
 * own memory). For the 60,000-image training split that array is 188 MB: for large splits prefer
 * `toTfDataset`, which converts one batch at a time.
 *
 * @param split A core `DatasetSplit` (e.g. from `loadDataset`).
 * @param options See {@link TensorOptions}.
 * @throws FmnistError `INVALID_ARGUMENT` for a malformed split or bad options.
 */
export function toTensors<L extends Layout = 'nhwc', E extends LabelEncoding = 'one-hot'>(
  split: DatasetSplit,
  options: TensorOptions<L, E> = {},
): SplitTensors<L, E> {
  assertDatasetSplit(split);
  const { layout, labels } = resolveTensorOptions(options);
  const [height, width] = split.imageShape;
  const pixels = toFloat32(split.images, {
    normalize: options.normalize,
    mean: options.mean,
    std: options.std,
    dataset: split.dataset,
  });
  const shape = layoutShape(layout, split.count, height, width);
  const xs = tensor(pixels, shape, 'float32');
  let ys: Tensor1D | Tensor2D;
  try {
    ys = labelsTensor(split.labels, labels, split.classNames.length);
  } catch (error) {
    xs.dispose();
    throw error;
  }
  return { xs, ys } as unknown as SplitTensors<L, E>;
}

/**
 * Checks `layout` and `labels` and applies their defaults.
 * @internal
 */
export function resolveTensorOptions(options: TensorOptions): {
  layout: Layout;
  labels: LabelEncoding;
} {
  const layout = options.layout ?? 'nhwc';
  if (layout !== 'nhwc' && layout !== 'flat' && layout !== 'nchw') {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `Unknown layout "${String(layout)}"; use 'nhwc', 'flat' or 'nchw'.`,
      { details: { layout } },
    );
  }
  const labels = options.labels ?? 'one-hot';
  if (!LABEL_ENCODINGS.includes(labels)) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `Unknown labels encoding "${String(labels)}"; use 'one-hot', 'sparse' (for ` +
        `sparseCategoricalCrossentropy) or 'int32'.`,
      { details: { labels } },
    );
  }
  return { layout, labels };
}

/**
 * The label tensor of `labels` in an encoding (see {@link LabelEncoding}).
 *
 * @param oneHotRows Already one-hot rows (core's batch iterator makes them), used as they are.
 * @internal
 */
export function labelsTensor(
  labels: Uint8Array,
  encoding: LabelEncoding,
  numClasses: number,
  oneHotRows?: Float32Array,
): Tensor1D | Tensor2D {
  const count = labels.length;
  switch (encoding) {
    case 'sparse':
      return tensor(Float32Array.from(labels), [count], 'float32') as Tensor1D;
    case 'int32':
      return tensor(Int32Array.from(labels), [count], 'int32') as Tensor1D;
    default:
      return tensor(oneHotRows ?? oneHot(labels, numClasses), [count, numClasses]) as Tensor2D;
  }
}
