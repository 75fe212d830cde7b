// A split as one brain.js training set: inputs, one-hot or class-name outputs.
import {
  assertDatasetSplit,
  type DatasetSplit,
  FmnistError,
  type Normalize,
  oneHot,
  type SubsetOptions,
  shuffledIndices,
  subset,
  toFloat32,
} from '@fmnist/core';
import { type BrainInputFormat, type BrainTarget, resolveFormat } from './version.ts';

/** What a sample's `output` holds. */
export type BrainLabels = 'one-hot' | 'class-names';

/** A brain.js input or one-hot output: a `Float32Array` view (2.x) or a `number[]` (1.x). */
export type BrainVector = Float32Array | number[];

/** brain.js's hash form of an output: `{ 'Ankle boot': 1 }` (or every class, see `hashOutputs`). */
export type BrainClassHash = Readonly<Record<string, number>>;

/** One brain.js training sample. */
export interface BrainDatum<Input = BrainVector, Output = BrainVector | BrainClassHash> {
  /** The image's pixels, `height * width` numbers. */
  input: Input;
  /** The label, one-hot or as a class-name hash. */
  output: Output;
}

/** Options shared by {@link toBrainTrainingSet} and `trainingChunks`. */
export interface BrainDataOptions {
  /** Pixel scaling, as in core's `toFloat32`. Default `'scale'` (`x / 255`, into `[0, 1]`). */
  normalize?: Normalize;
  /** Mean for `'standardize'`; default the split's dataset mean. */
  mean?: number;
  /** Standard deviation for `'standardize'`; default the split's dataset std. */
  std?: number;
  /**
   * `'one-hot'` (default): `output` is a one-hot vector of `classNames.length` numbers.
   * `'class-names'`: `output` is brain.js's hash form keyed by class name; `net.run()` then
   * returns an object keyed by class name (decode it with `decodeOutput`).
   */
  labels?: BrainLabels;
  /**
   * For `labels: 'class-names'` only. `'sparse'` (default): `{ [className]: 1 }`. `'dense'`: every
   * class name with 0 except the sample's 1, in class order.
   *
   * brain.js builds its output table from the keys it sees in the data of its first `train()`
   * call, in order of first appearance. With `'sparse'` a class missing from that first call
   * never gets an output node, and later calls cannot add one (it is silently ignored). `'dense'`
   * makes the table complete and in class order from the first sample on: use it for chunked
   * training or any small first batch.
   */
  hashOutputs?: 'sparse' | 'dense';
  /**
   * Which brain.js the data is for (module, network class or instance, package.json, or a version
   * such as `'1.6.1'`); see `detectBrainVersion`. Only brain.js 1.x gets `number[]` copies.
   * Default: brain.js 2 (`Float32Array` views).
   */
  brain?: BrainTarget;
  /** Overrides the detection: `'float32'` views or `'array'` copies. Default `'auto'`. */
  format?: 'auto' | BrainInputFormat;
}

/** Options for {@link toBrainTrainingSet}. */
export interface BrainTrainingSetOptions extends BrainDataOptions {
  /**
   * Use only part of the split: a number takes the first that many samples (all of them when the
   * split is smaller; zero-copy), an object is passed to core's `subset` (`{ start, count }` or
   * `{ indices }`, checked strictly). Applied before `shuffle`.
   */
  subset?: number | SubsetOptions;
  /**
   * Put the samples in the order `shuffledIndices(count, seed)` (brain.js trains in array order
   * and never shuffles itself). Default false: the split's order.
   */
  shuffle?: boolean;
  /** Seed for `shuffle`; the same seed gives the same order as core's `batches`. Default 0. */
  seed?: number;
}

/**
 * The input type a set of options produces: `number[]` for `format: 'array'`, `Float32Array` for
 * `format: 'float32'` or when no `brain` is given, and either when `brain` is only known at run
 * time (pass `format` as well for a precise type).
 */
export type BrainInputOf<O> = O extends { format: 'array' }
  ? number[]
  : O extends { format: 'float32' }
    ? Float32Array
    : O extends { brain: BrainTarget }
      ? BrainVector
      : Float32Array;

/** The samples a set of options produces (see {@link BrainInputOf}). */
export type BrainTrainingSetOf<O> = BrainDatum<
  BrainInputOf<O>,
  O extends { labels: 'class-names' } ? BrainClassHash : BrainInputOf<O>
>[];

/** One-hot samples with `Float32Array` views: what {@link toBrainTrainingSet} returns by default. */
export type BrainOneHotSet = BrainDatum<Float32Array, Float32Array>[];
/** Class-name samples with `Float32Array` views, for `labels: 'class-names'`. */
export type BrainClassNameSet = BrainDatum<Float32Array, BrainClassHash>[];
/** Any set {@link toBrainTrainingSet} can return. */
export type BrainTrainingSet = BrainDatum[];

/**
 * A split as a brain.js training set: an array of `{ input, output }` for `net.train()`.
 *
 * For brain.js 2 (the default) every `input` is a `Float32Array` `subarray` view on one buffer of
 * `count * height * width` floats, and every one-hot `output` a view on one buffer of
 * `count * classes` floats, so 60,000 samples cost two allocations, not 120,000. Class-name
 * outputs share one frozen object per class. For brain.js 1.x (detected from `brain`) inputs and
 * one-hot outputs are `number[]` copies instead, which is what its API accepts (about 8 bytes per
 * pixel: use `trainingChunks` for the full training set).
 *
 * @example
 * const train = await loadDataset({ split: 'train' });
 * const net = new brain.NeuralNetwork({ hiddenLayers: [64] });
 * net.train(toBrainTrainingSet(train, { subset: 5000, shuffle: true }), { iterations: 3 });
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a malformed split (via core's `assertDatasetSplit`) or
 *   bad options.
 */
export function toBrainTrainingSet<const O extends BrainTrainingSetOptions = Record<never, never>>(
  split: DatasetSplit,
  options?: O,
): BrainTrainingSetOf<O>;
export function toBrainTrainingSet(
  split: DatasetSplit,
  options: BrainTrainingSetOptions = {},
): BrainTrainingSet {
  assertDatasetSplit(split);
  checkOptions(options, 'toBrainTrainingSet');
  const format = resolveFormat(options.format, options.brain);
  const part = pickSubset(split, options.subset);
  const pixels = part.imageShape[0] * part.imageShape[1];
  const order = options.shuffle ? shuffledIndices(part.count, options.seed ?? 0) : undefined;
  if (!options.shuffle && options.seed !== undefined) checkSeed(options.seed);

  const inputs = new Float32Array(part.count * pixels);
  const labels = new Uint8Array(part.count);
  const floatOptions = {
    ...floatOptionsOf(options, part),
    out: undefined as Float32Array | undefined,
  };
  if (order) {
    for (let i = 0; i < part.count; i++) {
      const source = order[i];
      labels[i] = part.labels[source];
      floatOptions.out = inputs.subarray(i * pixels, (i + 1) * pixels);
      toFloat32(part.images.subarray(source * pixels, (source + 1) * pixels), floatOptions);
    }
  } else {
    labels.set(part.labels);
    floatOptions.out = inputs;
    toFloat32(part.images, floatOptions);
  }
  return toData(inputs, labels, part.classNames, pixels, options, format);
}

/**
 * Builds the `{ input, output }` array from converted pixels and labels; shared with the chunk
 * generator so both produce identical samples.
 * @internal
 */
export function toData(
  inputs: Float32Array,
  labels: Uint8Array,
  classNames: readonly string[],
  pixels: number,
  options: BrainDataOptions,
  format: BrainInputFormat,
): BrainTrainingSet {
  const count = labels.length;
  const numClasses = classNames.length;
  const data = new Array<BrainDatum>(count);
  const asArray = format === 'array';
  if ((options.labels ?? 'one-hot') === 'class-names') {
    const hashes = classHashes(classNames, options.hashOutputs ?? 'sparse');
    for (let i = 0; i < count; i++) {
      const view = inputs.subarray(i * pixels, (i + 1) * pixels);
      data[i] = { input: asArray ? Array.from(view) : view, output: hashes[labels[i]] };
    }
    return data;
  }
  const targets = oneHot(labels, numClasses);
  for (let i = 0; i < count; i++) {
    const view = inputs.subarray(i * pixels, (i + 1) * pixels);
    const target = targets.subarray(i * numClasses, (i + 1) * numClasses);
    data[i] = asArray
      ? { input: Array.from(view), output: Array.from(target) }
      : { input: view, output: target };
  }
  return data;
}

/**
 * One frozen hash per class. Sharing them is safe because brain.js only reads outputs, and it
 * saves an object per sample.
 */
function classHashes(classNames: readonly string[], form: 'sparse' | 'dense'): BrainClassHash[] {
  if (form !== 'sparse' && form !== 'dense') {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `hashOutputs must be 'sparse' or 'dense', got ${JSON.stringify(form)}.`,
    );
  }
  if (new Set(classNames).size !== classNames.length) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      'labels: "class-names" needs distinct class names: two classes would share one output.',
    );
  }
  return classNames.map((name) => {
    const hash: Record<string, number> = {};
    if (form === 'dense') for (const other of classNames) hash[other] = 0;
    hash[name] = 1;
    return Object.freeze(hash);
  });
}

/**
 * Float conversion options for a split: standardizing uses the split's own dataset statistics,
 * like core's `batches`.
 * @internal
 */
export function floatOptionsOf(options: BrainDataOptions, split: DatasetSplit) {
  return {
    normalize: options.normalize,
    mean: options.mean,
    std: options.std,
    dataset: split.dataset,
  };
}

/**
 * Checks the options every converter shares, so a typo fails here rather than as NaN later.
 * @internal
 */
export function checkOptions(options: BrainDataOptions, caller: string): void {
  if (typeof options !== 'object' || options === null) {
    throw new FmnistError('INVALID_ARGUMENT', `${caller}: options must be an object.`);
  }
  const labels = options.labels ?? 'one-hot';
  if (labels !== 'one-hot' && labels !== 'class-names') {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `${caller}: labels must be 'one-hot' or 'class-names', got ${JSON.stringify(labels)}.`,
    );
  }
  if (options.hashOutputs !== undefined && labels !== 'class-names') {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `${caller}: hashOutputs only applies to labels: 'class-names'.`,
    );
  }
}

function pickSubset(split: DatasetSplit, choice: BrainTrainingSetOptions['subset']): DatasetSplit {
  if (choice === undefined) return split;
  if (typeof choice === 'number') {
    if (!Number.isInteger(choice) || choice < 0) {
      throw new FmnistError(
        'INVALID_ARGUMENT',
        `subset must be a non-negative integer count or subset options, got ${String(choice)}.`,
      );
    }
    return subset(split, { count: Math.min(choice, split.count) });
  }
  return subset(split, choice);
}

function checkSeed(seed: number): void {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new FmnistError('INVALID_ARGUMENT', `seed must be a finite number, got ${String(seed)}.`);
  }
}
