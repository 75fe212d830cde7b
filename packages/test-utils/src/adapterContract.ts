// The adapter contract: one suite that every framework adapter runs against its conversions.
import {
  argmax,
  batches,
  type DatasetSplit,
  FmnistError,
  fashionMnist,
  type Normalize,
  toFloat32,
} from '@fmnist/core';
import { describe, expect, it } from 'vitest';

/** What an adapter returns from its main conversion, read back as plain arrays. */
export interface ConvertedSplit {
  /** Number of samples the framework object holds. */
  count: number;
  /** Pixels in image order, `count * height * width` values. */
  pixels: Float32Array;
  /** Class id of each sample. */
  labels: ArrayLike<number>;
  /** The framework object's shape; its first entry must be `count`. */
  shape: readonly number[];
  /** Frees framework memory (tensors) after the check. */
  dispose?: () => void;
}

/** One batch produced by an adapter, read back as plain arrays. */
export interface ConvertedBatch {
  pixels: Float32Array;
  labels: ArrayLike<number>;
}

/** How the contract suite drives an adapter. */
export interface AdapterContractSubject {
  /** Adapter name used in the test titles. */
  name: string;
  /** Converts a split with the adapter's main conversion and reads it back. */
  convert(split: DatasetSplit, options: { normalize: Normalize }): Promise<ConvertedSplit>;
  /** Batches a split through the adapter's batching, with core's seed semantics. */
  batches(
    split: DatasetSplit,
    options: { batchSize: number; shuffle: boolean; seed: number; dropLast: boolean },
  ): AsyncIterable<ConvertedBatch>;
  /** Decodes `count` rows of `numClasses` scores with the adapter's decoder. */
  decode(scores: Float32Array, count: number, numClasses: number): Promise<ArrayLike<number>>;
}

/**
 * A small deterministic split with every class present and pixel values spread over 0..255, so a
 * scaling or ordering mistake shows up as a value difference.
 */
export function contractSplit(count = 37): DatasetSplit {
  const size = 28 * 28;
  const images = new Uint8Array(count * size);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = (i * 7) % 10;
    for (let p = 0; p < size; p++) images[i * size + p] = (i * 31 + p * 13) % 256;
  }
  return {
    dataset: fashionMnist.id,
    split: 'test',
    images,
    labels,
    count,
    imageShape: [28, 28],
    classNames: fashionMnist.classNames,
  };
}

function expectClose(actual: Float32Array, expected: Float32Array, tolerance: number) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    if (!(diff <= tolerance)) worst = Math.max(worst, Number.isNaN(diff) ? Infinity : diff);
  }
  expect(worst, 'largest pixel difference beyond tolerance').toBe(0);
}

async function collect(iterable: AsyncIterable<ConvertedBatch>) {
  const out: ConvertedBatch[] = [];
  for await (const batch of iterable) {
    // Copy: adapters may reuse or detach buffers between batches.
    out.push({ pixels: Float32Array.from(batch.pixels), labels: Array.from(batch.labels) });
  }
  return out;
}

/**
 * The behaviour every fmnist adapter shares: the same pixels and labels as core, the same batch
 * order for the same seed, the same decoding, and a typed error for malformed input. Call it at
 * the top level of a vitest file.
 */
export function describeAdapterContract(subject: AdapterContractSubject): void {
  describe(`adapter contract: ${subject.name}`, () => {
    const split = contractSplit();

    for (const normalize of ['scale', 'standardize'] as const) {
      it(`converts pixels exactly like core (${normalize})`, async () => {
        const converted = await subject.convert(split, { normalize });
        try {
          expect(converted.count).toBe(split.count);
          expect(converted.shape[0]).toBe(split.count);
          expect(converted.shape.reduce((a, b) => a * b, 1)).toBe(split.count * 784);
          expectClose(converted.pixels, toFloat32(split.images, { normalize }), 1e-6);
          expect(Array.from(converted.labels)).toEqual(Array.from(split.labels));
        } finally {
          converted.dispose?.();
        }
      });
    }

    it('batches in the same order as core for the same seed, each sample once', async () => {
      const options = { batchSize: 8, shuffle: true, seed: 1234, dropLast: false };
      const got = await collect(subject.batches(split, options));
      const want = [...batches(split, { ...options, normalize: 'scale' })];
      expect(got.map((b) => b.labels.length)).toEqual(want.map((b) => b.size));
      expect(got.flatMap((b) => Array.from(b.labels))).toEqual(
        want.flatMap((b) => Array.from(b.labels)),
      );
      const seen = new Set(want.flatMap((b) => Array.from(b.indices)));
      expect(seen.size).toBe(split.count);
      expectClose(got[1].pixels, want[1].images, 1e-6);
    });

    it('drops the last partial batch only when asked', async () => {
      const kept = await collect(
        subject.batches(split, { batchSize: 10, shuffle: false, seed: 0, dropLast: false }),
      );
      const dropped = await collect(
        subject.batches(split, { batchSize: 10, shuffle: false, seed: 0, dropLast: true }),
      );
      expect(kept.map((b) => b.labels.length)).toEqual([10, 10, 10, 7]);
      expect(dropped.map((b) => b.labels.length)).toEqual([10, 10, 10]);
      expect(Array.from(kept[3].labels)).toEqual(Array.from(split.labels.subarray(30)));
    });

    it('decodes scores to the same classes as core argmax', async () => {
      const count = 25;
      const scores = new Float32Array(count * 10);
      for (let i = 0; i < scores.length; i++) scores[i] = (Math.sin(i * 12.9898) * 43758.5453) % 1;
      const decoded = await subject.decode(scores, count, 10);
      expect(Array.from(decoded)).toEqual(Array.from(argmax(scores, count, 10)));
    });

    it('rejects a malformed split with a typed INVALID_ARGUMENT error', async () => {
      const ragged = { ...split, images: split.images.subarray(0, split.images.length - 5) };
      const error = await subject.convert(ragged, { normalize: 'scale' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(FmnistError);
      expect((error as FmnistError).code).toBe('INVALID_ARGUMENT');
      // Inside an async function, so adapters may throw synchronously or on the first batch.
      const batchError = await (async () =>
        collect(
          subject.batches(ragged, { batchSize: 4, shuffle: false, seed: 0, dropLast: false }),
        ))().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((batchError as FmnistError)?.code).toBe('INVALID_ARGUMENT');
    });
  });
}
