// Dataset splits as onnxruntime tensors: whole splits, label tensors and batch iterators.
import {
  assertDatasetSplit,
  type Batch,
  type BatchOptions,
  batches,
  batchesAsync,
  type DatasetSplit,
  type Float32Options,
  FmnistError,
  type Layout,
  layoutShape,
  type Normalize,
  toFloat32,
} from '@fmnist/core';
import type { TensorConstructor, TypedTensor } from 'onnxruntime-common';

/**
 * The `Tensor` class of the onnxruntime you run with: `ort.Tensor` from `onnxruntime-web`,
 * `onnxruntime-node` or `onnxruntime-react-native` (all share onnxruntime-common's constructor).
 *
 * It is passed in rather than imported so that this package loads without any particular runtime
 * installed (a Node user with only onnxruntime-node does not need onnxruntime-web) and so that
 * tensors are instances of the very class your `InferenceSession` checks against.
 */
export type OrtTensorClass = TensorConstructor;

/** Label element type for a label tensor: ONNX losses and most exporters use int64. */
export type LabelType = 'int64' | 'int32';

/** Options for {@link toOrtTensor}. */
export interface OrtTensorOptions {
  /** `ort.Tensor` of your runtime (see {@link OrtTensorClass}). Required. */
  Tensor: OrtTensorClass;
  /**
   * Tensor shape: `'nchw'` `[N,1,H,W]` (default; PyTorch/ONNX convention), `'nhwc'` `[N,H,W,1]`
   * (models exported from TensorFlow/tfjs), `'flat'` `[N,H*W]` (MLPs). With one channel the data
   * is the same for all three, only the dims differ.
   */
  layout?: Layout;
  /** Pixel mapping (see core `Normalize`). Default `'scale'` (`x / 255`). */
  normalize?: Normalize;
  /** Mean for `'standardize'`; default the split's dataset mean. */
  mean?: number;
  /** Standard deviation for `'standardize'`; default the split's dataset std. */
  std?: number;
  /**
   * Write the pixels here instead of allocating (length `count * H * W`). An `out` whose buffer was
   * detached (transferred to onnxruntime-web's proxy worker by an earlier `run`) is replaced by a
   * fresh array instead of failing.
   */
  out?: Float32Array;
}

/**
 * A split's images as one float32 `ort.Tensor` of dims `[N,1,H,W]`, `[N,H,W,1]` or `[N,H*W]`.
 *
 * @example
 * import * as ort from 'onnxruntime-web';
 * const input = toOrtTensor(test, { Tensor: ort.Tensor, layout: 'nchw' });
 * @throws FmnistError `INVALID_ARGUMENT` for a malformed split, a missing `Tensor` or bad options.
 */
export function toOrtTensor(
  split: DatasetSplit,
  options: OrtTensorOptions,
): TypedTensor<'float32'> {
  assertDatasetSplit(split);
  const Tensor = tensorClass(options, 'toOrtTensor');
  const layout = options.layout ?? 'nchw';
  const [height, width] = split.imageShape;
  const dims = layoutShape(layout, split.count, height, width);
  const out = options.out && !isDetached(options.out) ? options.out : undefined;
  const data = toFloat32(split.images, { ...floatOptions(options, split), out });
  return new Tensor(data, dims);
}

/** Options for {@link toOrtLabels}. */
export interface OrtLabelOptions {
  /** `ort.Tensor` of your runtime. Required. */
  Tensor: OrtTensorClass;
  /** Element type. Default `'int64'`. */
  type?: LabelType;
}

/**
 * Class ids (a split's labels, or any `Uint8Array` of ids) as a 1-D `ort.Tensor` of dims `[N]`,
 * int64 by default (what ONNX `SoftmaxCrossEntropyLoss`/`NegativeLogLikelihoodLoss` take).
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a malformed split, a missing `Tensor` or a bad type.
 */
export function toOrtLabels(
  labels: DatasetSplit | Uint8Array,
  options: OrtLabelOptions,
): TypedTensor<'int64'> | TypedTensor<'int32'> {
  const Tensor = tensorClass(options, 'toOrtLabels');
  const ids = labelIds(labels);
  const data = labelArray(ids, options.type ?? 'int64');
  return data instanceof BigInt64Array
    ? new Tensor(data, [ids.length])
    : new Tensor(data as Int32Array, [ids.length]);
}

/**
 * Class ids as a plain typed array: `BigInt64Array` for `'int64'`, `Int32Array` for `'int32'`,
 * e.g. to build a tensor yourself or compare with a model's int64 output.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for an unknown type.
 */
export function labelArray(labels: ArrayLike<number>, type: 'int64'): BigInt64Array;
export function labelArray(labels: ArrayLike<number>, type: 'int32'): Int32Array;
export function labelArray(labels: ArrayLike<number>, type: LabelType): BigInt64Array | Int32Array;
export function labelArray(labels: ArrayLike<number>, type: LabelType): BigInt64Array | Int32Array {
  if (type === 'int32') return Int32Array.from(labels);
  if (type === 'int64') {
    const out = new BigInt64Array(labels.length);
    for (let i = 0; i < labels.length; i++) out[i] = BigInt(labels[i]);
    return out;
  }
  throw new FmnistError(
    'INVALID_ARGUMENT',
    `labelArray: type must be 'int64' or 'int32', got ${String(type)}.`,
  );
}

/** Options for {@link ortBatches} and {@link ortBatchesAsync}. */
export interface OrtBatchOptions extends Omit<OrtTensorOptions, 'out'> {
  /** Samples per batch (a positive integer). */
  batchSize: number;
  /** Visit samples in core's `shuffledIndices(count, seed)` order. Default false. */
  shuffle?: boolean;
  /** Shuffle seed; the same seed gives the same order as core `batches`. Default 0. */
  seed?: number;
  /** Drop a final batch smaller than `batchSize`. Default false. */
  dropLast?: boolean;
  /** Also yield `labelTensor` of this element type. Default: no label tensor. */
  labels?: LabelType;
  /**
   * Fill one pixel buffer for every batch instead of allocating a new one (less garbage). Each
   * batch is then valid only until the next one is requested. If onnxruntime-web's proxy worker
   * transferred the buffer away during `session.run` (it detaches the caller's `ArrayBuffer`), the
   * next batch notices the detached buffer (`byteLength` 0) and allocates a new one, so reuse
   * degrades to allocation instead of yielding empty tensors. Default false.
   */
  reuseBuffers?: boolean;
  /**
   * Set when the session runs with `ort.env.wasm.proxy = true`. The proxy worker takes ownership
   * of the input tensor's buffer; with this flag the tensor gets its own copy of the pixels, so
   * `batch.images` stays readable after `run` (for logging, retries, or feeding another session).
   * Without it, `batch.images` is the tensor's data and is empty after a proxied `run`.
   * Default false.
   */
  proxy?: boolean;
}

/** One batch from {@link ortBatches}. */
export interface OrtBatch {
  /** float32 input tensor, dims `layoutShape(layout, size)`. */
  input: TypedTensor<'float32'>;
  /** Label tensor `[size]`, when the `labels` option was given. */
  labelTensor?: TypedTensor<'int64'> | TypedTensor<'int32'>;
  /** The batch's pixels (`size * H * W` floats); `input.data` itself unless `proxy` is set. */
  images: Float32Array;
  /** Class ids of the samples. */
  labels: Uint8Array;
  /** Each sample's index in the source split. */
  indices: Uint32Array;
  /** Samples in this batch. */
  size: number;
  /** 0-based batch number within the epoch. */
  index: number;
}

/**
 * Mini-batches of a split as onnxruntime tensors, in exactly core `batches`' order (same seed,
 * same samples per batch). Options are checked when called.
 *
 * @example
 * for (const batch of ortBatches(test, { Tensor: ort.Tensor, batchSize: 256, reuseBuffers: true })) {
 *   const { output } = await session.run({ input: batch.input });
 * }
 * @throws FmnistError `INVALID_ARGUMENT` for a malformed split or bad options.
 */
export function ortBatches(
  split: DatasetSplit,
  options: OrtBatchOptions,
): IterableIterator<OrtBatch> {
  const plan = prepare(split, options);
  return mapIterator(batches(split, plan.coreOptions), plan.wrap);
}

/**
 * Like {@link ortBatches}, but yields to the event loop between batches (via core
 * `batchesAsync`, at least every 16 ms), so UI and timers stay responsive during long evaluations.
 */
export function ortBatchesAsync(
  split: DatasetSplit,
  options: OrtBatchOptions,
): AsyncIterableIterator<OrtBatch> {
  const plan = prepare(split, options);
  const inner = batchesAsync(split, plan.coreOptions);
  return (async function* () {
    for await (const batch of inner) yield plan.wrap(batch);
  })();
}

/**
 * True when a typed array's buffer has been detached, for example transferred to a worker with
 * `postMessage(..., [buffer])` or `structuredClone(buffer, { transfer })`, as onnxruntime-web's
 * proxy does with input tensors. Such an array reads as empty and ignores writes.
 */
export function isDetached(view: ArrayBufferView): boolean {
  // A transferred ArrayBuffer reports byteLength 0 (ES2024 `detached` is not in Node 20).
  return view.buffer.byteLength === 0 && view.byteLength === 0 && view.byteOffset === 0;
}

function prepare(split: DatasetSplit, options: OrtBatchOptions) {
  assertDatasetSplit(split);
  if (typeof options !== 'object' || options === null) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      'ortBatches: options with Tensor and batchSize are required.',
    );
  }
  const Tensor = tensorClass(options, 'ortBatches');
  const layout = options.layout ?? 'nchw';
  const [height, width] = split.imageShape;
  layoutShape(layout, 0, height, width); // validates the layout now rather than at the first batch
  const labelType = options.labels;
  if (labelType !== undefined && labelType !== 'int64' && labelType !== 'int32') {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `ortBatches: labels must be 'int64' or 'int32', got ${String(labelType)}.`,
    );
  }
  const reuse = options.reuseBuffers ?? false;
  const proxy = options.proxy ?? false;
  const pixels = height * width;
  let own: Float32Array | undefined;

  const wrap = (batch: Batch): OrtBatch => {
    let images = batch.images;
    if (reuse) {
      // Core reuses its own buffer too, but that one never leaves this module: we copy into a
      // buffer we can replace when a proxied run has detached it.
      if (!own || isDetached(own)) own = new Float32Array(options.batchSize * pixels);
      images = own.length === batch.images.length ? own : own.subarray(0, batch.images.length);
      images.set(batch.images);
    }
    const data = proxy ? images.slice() : images;
    const result: OrtBatch = {
      input: new Tensor(data, layoutShape(layout, batch.size, height, width)),
      images,
      labels: batch.labels,
      indices: batch.indices,
      size: batch.size,
      index: batch.index,
    };
    if (labelType) {
      const ids = labelArray(batch.labels, labelType);
      result.labelTensor =
        ids instanceof BigInt64Array
          ? new Tensor(ids, [batch.size])
          : new Tensor(ids as Int32Array, [batch.size]);
    }
    return result;
  };

  const coreOptions: BatchOptions = {
    ...floatOptions(options, split),
    batchSize: options.batchSize,
    shuffle: options.shuffle,
    seed: options.seed,
    dropLast: options.dropLast,
    reuseBuffers: reuse,
  };
  return { coreOptions, wrap };
}

function* mapIterator<T, U>(source: Iterator<T>, fn: (value: T) => U): IterableIterator<U> {
  for (let step = source.next(); !step.done; step = source.next()) yield fn(step.value);
}

function floatOptions(
  options: OrtTensorOptions | OrtBatchOptions,
  split: DatasetSplit,
): Omit<Float32Options, 'out'> {
  return {
    normalize: options.normalize,
    mean: options.mean,
    std: options.std,
    dataset: split.dataset,
  };
}

function tensorClass(
  options: { Tensor?: OrtTensorClass } | undefined,
  caller: string,
): OrtTensorClass {
  const Tensor = options?.Tensor;
  if (typeof Tensor !== 'function') {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `${caller}: pass your runtime's Tensor class, e.g. { Tensor: ort.Tensor } with ` +
        `\`import * as ort from 'onnxruntime-web'\` (or 'onnxruntime-node').`,
    );
  }
  return Tensor;
}

function labelIds(labels: DatasetSplit | Uint8Array): Uint8Array {
  if (labels instanceof Uint8Array) return labels;
  assertDatasetSplit(labels);
  return labels.labels;
}
