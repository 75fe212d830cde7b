// Running a tfjs model over images in batches and returning the predicted class of each.
import {
  assertDatasetSplit,
  batches,
  concatBytes,
  type DatasetSplit,
  FmnistError,
  type Layout,
  layoutShape,
  type Normalize,
} from '@fmnist/core';
import { dispose, reshape, slice, type Tensor, tensor, tidy } from '@tensorflow/tfjs-core';
import { copiesOnWrite } from './copiesOnWrite.ts';
import { decodeClasses, isTensor } from './decode.ts';

/** Anything with a Keras-style `predict`: a `tf.LayersModel`, a `tf.GraphModel`, a `tf.Sequential`. */
export interface Predictor {
  predict(x: Tensor, ...rest: never[]): Tensor | Tensor[];
  /**
   * The model's inputs, as `tf.LayersModel` (`null` for free dimensions) and `tf.GraphModel`
   * (`-1`) declare them. When present, `predictClasses` feeds images in the layout the first
   * input's shape implies.
   */
  readonly inputs?: readonly { readonly shape?: readonly (number | null)[] }[];
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
  /**
   * For a `DatasetSplit` input: the model's input layout. Default: the layout the model's input
   * shape implies (`[n, 784]` flat, `[n, 28, 28, 1]` nhwc, `[n, 1, 28, 28]` nchw), or `'nhwc'`
   * for a predictor that declares no input shape.
   */
  layout?: Layout;
}

/**
 * Runs a model over images in batches and returns the predicted class id of each, without
 * leaking tensors.
 *
 * @param model Anything with `predict` (see {@link Predictor}); its first output must be
 *   `[batch, numClasses]` scores.
 * @param input Either an images tensor (first dimension = samples; not disposed; reshaped to the
 *   model's declared input shape when only the layout differs, e.g. `[n, 28, 28, 1]` for a flat
 *   model) or a core `DatasetSplit`, converted batch by batch in the layout the model's input
 *   shape implies (no float copy of the whole split).
 * @param options See {@link PredictOptions}.
 * @throws FmnistError `INVALID_ARGUMENT` for a malformed split, a bad batch size, or a model
 *   whose input shape fits no image layout of the input (the message names both shapes).
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
  const declared = declaredInputShape(model);
  if (isTensor(input)) {
    const count = input.shape[0] ?? 0;
    const sample = tensorSampleShape(input.shape.slice(1), declared);
    for (let start = 0; start < count; start += batchSize) {
      const size = Math.min(batchSize, count - start);
      await run(() => {
        const part = slice(input, start, size);
        return sample ? reshape(part, [size, ...sample]) : part;
      });
    }
  } else {
    assertDatasetSplit(input);
    const [height, width] = input.imageShape;
    const layout = splitLayout(declared, options.layout, height, width);
    for (const batch of batches(input, {
      batchSize,
      normalize: options.normalize,
      mean: options.mean,
      std: options.std,
      // One batch's array refilled for the next where the backend copies it into a tensor (wasm):
      // 1.5 MB less garbage per batch of 500, which otherwise raised an evaluation's peak RSS.
      reuseBuffers: copiesOnWrite() && batchSize <= input.count,
    })) {
      await run(() => tensor(batch.images, layoutShape(layout, batch.size, height, width)));
    }
  }
  return concatBytes(parts);
}

/** The first input's declared shape, with free dimensions (`null`, `-1`) as `null`. */
function declaredInputShape(model: Predictor): (number | null)[] | undefined {
  const shape = model.inputs?.[0]?.shape;
  return shape?.map((d) => (typeof d === 'number' && d >= 0 ? d : null));
}

function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/**
 * The layout to feed a split's images in: the one the model's declared input shape implies
 * (checked against an explicit `layout`), else `layout`, else `'nhwc'`.
 */
function splitLayout(
  declared: (number | null)[] | undefined,
  layout: Layout | undefined,
  height: number,
  width: number,
): Layout {
  if (!declared) return layout ?? 'nhwc';
  const fits = (candidate: Layout) => {
    const want = layoutShape(candidate, 0, height, width);
    return (
      want.length === declared.length &&
      want.every((d, i) => i === 0 || declared[i] === null || declared[i] === d)
    );
  };
  const candidates: Layout[] = layout ? [layout] : ['nhwc', 'flat', 'nchw'];
  const found = candidates.find(fits);
  if (found) return found;
  throw new FmnistError(
    'INVALID_ARGUMENT',
    `predictClasses: the model's input shape ${formatShape(declared)} fits ` +
      (layout
        ? `no ${height}x${width} image in layout '${layout}'`
        : `none of the ${height}x${width} image layouts`) +
      ` (flat [n, ${height * width}], nhwc [n, ${height}, ${width}, 1], nchw [n, 1, ${height}, ${width}]).`,
    { details: { inputShape: declared, layout, imageShape: [height, width] } },
  );
}

/**
 * The per-sample shape to reshape an images tensor to so that it fits the model's declared
 * input, or `undefined` to feed it as it is.
 */
function tensorSampleShape(
  sample: readonly number[],
  declared: (number | null)[] | undefined,
): number[] | undefined {
  if (!declared) return undefined;
  const want = declared.slice(1);
  if (want.length === sample.length && want.every((d, i) => d === null || d === sample[i])) {
    return undefined;
  }
  const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
  if (want.every((d) => d !== null) && size(want as number[]) === size(sample)) {
    return want as number[];
  }
  throw new FmnistError(
    'INVALID_ARGUMENT',
    `predictClasses: images of shape ${formatShape(sample)} per sample do not fit the model's ` +
      `input shape ${formatShape(declared)}.`,
    { details: { inputShape: declared, sampleShape: [...sample] } },
  );
}
