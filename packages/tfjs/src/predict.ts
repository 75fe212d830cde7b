// Running a tfjs model over images in batches and returning the predicted class of each.
import {
  assertDatasetSplit,
  batches,
  type DatasetSplit,
  FmnistError,
  type Layout,
  layoutShape,
  type Normalize,
} from '@fmnist/core';
import { dispose, slice, type Tensor, tensor, tidy } from '@tensorflow/tfjs-core';
import { decodeClasses, isTensor } from './decode.ts';

/** Anything with a Keras-style `predict`: a `tf.LayersModel`, a `tf.GraphModel`, a `tf.Sequential`. */
export interface Predictor {
  predict(x: Tensor, ...rest: never[]): Tensor | Tensor[];
}

/** Options for {@link predictClasses}. */
export interface PredictOptions {
  /** Images per `predict` call: bounds the activations' memory. Default 256. */
  batchSize?: number;
  /** For a `DatasetSplit` input: pixel mapping, as used in training. Default `'scale'`. */
  normalize?: Normalize;
  /** For a `DatasetSplit` input with `'standardize'`: mean override. */
  mean?: number;
  /** For a `DatasetSplit` input with `'standardize'`: std override. */
  std?: number;
  /** For a `DatasetSplit` input: the model's input layout. Default `'nhwc'`. */
  layout?: Layout;
}

/**
 * Runs a model over images in batches and returns the predicted class id of each, without
 * leaking tensors.
 *
 * @param model Anything with `predict` (see {@link Predictor}); its first output must be
 *   `[batch, numClasses]` scores.
 * @param input Either an images tensor (first dimension = samples; not disposed) or a core
 *   `DatasetSplit`, converted batch by batch (no float copy of the whole split).
 * @param options See {@link PredictOptions}.
 * @throws FmnistError `INVALID_ARGUMENT` for a malformed split or a bad batch size.
 */
export async function predictClasses(
  model: Predictor,
  input: Tensor | DatasetSplit,
  options: PredictOptions = {},
): Promise<Uint8Array> {
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `predictClasses: batchSize must be a positive integer, got ${String(batchSize)}.`,
    );
  }
  const parts: Uint8Array[] = [];
  const run = async (xs: () => Tensor) => {
    const scores = tidy(() => {
      const out = model.predict(xs());
      return Array.isArray(out) ? out[0] : out;
    });
    try {
      parts.push(await decodeClasses(scores));
    } finally {
      dispose(scores);
    }
  };
  if (isTensor(input)) {
    const count = input.shape[0] ?? 0;
    for (let start = 0; start < count; start += batchSize) {
      const size = Math.min(batchSize, count - start);
      await run(() => slice(input, start, size));
    }
  } else {
    assertDatasetSplit(input);
    const [height, width] = input.imageShape;
    const layout = options.layout ?? 'nhwc';
    for (const batch of batches(input, {
      batchSize,
      normalize: options.normalize,
      mean: options.mean,
      std: options.std,
    })) {
      await run(() => tensor(batch.images, layoutShape(layout, batch.size, height, width)));
    }
  }
  const result = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}
