// Running every image of a split through a brain.js network and returning the predicted classes.
import { assertDatasetSplit, type DatasetSplit, FmnistError, toFloat32 } from '@fmnist/core';
import { type BrainOutput, decodeOne } from './decode.ts';
import type { BrainDataOptions } from './trainingSet.ts';
import { resolveFormat } from './version.ts';

/** The part of a brain.js network that {@link predictClasses} uses. */
export interface BrainRunnable {
  run(input: never): unknown;
}

/** Options for {@link predictClasses}. */
export interface PredictOptions
  extends Pick<BrainDataOptions, 'normalize' | 'mean' | 'std' | 'format'> {
  /**
   * Which brain.js the network is (see `detectBrainVersion`); default: the network itself, so a
   * 1.x network gets `number[]` inputs.
   */
  brain?: BrainDataOptions['brain'];
  /** Called every `progressEvery` images with the number done so far. */
  onProgress?: (done: number, total: number) => void;
  /** How often `onProgress` is called. Default 1000. */
  progressEvery?: number;
}

/**
 * Runs every image of a split through `net.run()` and returns the predicted class ids, ready for
 * core's `evaluate(split.labels, predictions)`.
 *
 * Pixels are converted one image at a time into a reused buffer (use the same `normalize` as for
 * training), so predicting the 10,000 test images needs no 31 MB float copy. Outputs are decoded
 * like `decodeOutput`, so arrays, position-keyed and class-name-keyed outputs all work, and
 * a NaN output is an error.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a malformed split, a `net` without `run`, or a NaN
 *   or malformed output.
 */
export function predictClasses(
  net: BrainRunnable,
  split: DatasetSplit,
  options: PredictOptions = {},
): Uint8Array {
  assertDatasetSplit(split);
  if (typeof net !== 'object' || net === null || typeof net.run !== 'function') {
    throw new FmnistError('INVALID_ARGUMENT', 'predictClasses: net must have a run() method.');
  }
  // A plain runnable (e.g. a wrapper without train()) is not probed: it gets Float32Array input.
  const probe = typeof (net as { train?: unknown }).train === 'function' ? net : undefined;
  const format = resolveFormat(options.format, options.brain ?? probe);
  const every = options.progressEvery ?? 1000;
  if (!Number.isInteger(every) || every < 1) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `predictClasses: progressEvery must be a positive integer, got ${String(every)}.`,
    );
  }
  const pixels = split.imageShape[0] * split.imageShape[1];
  const row = new Float32Array(pixels);
  const array = format === 'array' ? new Array<number>(pixels).fill(0) : undefined;
  const floatOptions = {
    normalize: options.normalize,
    mean: options.mean,
    std: options.std,
    dataset: split.dataset,
    out: row,
  };
  const run = net.run.bind(net) as (input: Float32Array | number[]) => BrainOutput;
  const predictions = new Uint8Array(split.count);
  for (let i = 0; i < split.count; i++) {
    toFloat32(split.images.subarray(i * pixels, (i + 1) * pixels), floatOptions);
    let input: Float32Array | number[] = row;
    if (array) {
      for (let p = 0; p < pixels; p++) array[p] = row[p];
      input = array;
    }
    predictions[i] = decodeOne(run(input), split.classNames).index;
    if (options.onProgress && ((i + 1) % every === 0 || i + 1 === split.count)) {
      options.onProgress(i + 1, split.count);
    }
  }
  return predictions;
}
