// IDX fixture generators with their own encoder, an independent oracle for the codec tests.
import { gzipSync } from 'node:zlib';
import type { IdxType } from '@fmnist/core';

/**
 * IDX fixture generators. They write headers and big-endian bodies with their own DataView code,
 * never with `serializeIdx`, so codec tests compare against an independent encoder.
 */

/** Header type byte and element size per IDX type, written out here rather than imported. */
export const FIXTURE_IDX_TYPES: Readonly<Record<IdxType, { code: number; size: number }>> = {
  uint8: { code: 0x08, size: 1 },
  int8: { code: 0x09, size: 1 },
  int16: { code: 0x0b, size: 2 },
  int32: { code: 0x0c, size: 4 },
  float32: { code: 0x0d, size: 4 },
  float64: { code: 0x0e, size: 8 },
};

/** The typed array that holds values of each IDX type. */
export type FixtureArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/**
 * mulberry32, kept local so fixtures do not depend on the code under test. Returns floats in
 * [0, 1), the same sequence for the same seed everywhere.
 */
export function fixtureRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Raw IDX header bytes with any magic, type byte and dims, including invalid ones (unknown type
 * codes, rank 0, dims that lie about the body), for rejection tests.
 */
export function idxHeader(options: {
  /** Type byte (third header byte); need not be a valid code. */
  typeCode: number;
  /** Dims; their count becomes the rank byte unless `rank` is given. */
  dims: readonly number[];
  /** Rank byte to write instead of `dims.length`. */
  rank?: number;
  /** First two bytes; default `[0, 0]`. */
  magic?: readonly [number, number];
}): Uint8Array {
  const { typeCode, dims } = options;
  const out = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(out.buffer);
  out[0] = options.magic?.[0] ?? 0;
  out[1] = options.magic?.[1] ?? 0;
  out[2] = typeCode;
  out[3] = options.rank ?? dims.length;
  for (let i = 0; i < dims.length; i++) view.setUint32(4 + 4 * i, dims[i], false);
  return out;
}

/**
 * Deterministic sample values for `type`, `count` of them. Integers span the type's full range
 * (min, max, 0 and -1 where signed appear first); floats start with 0, -0, ±Infinity, NaN and
 * extremes, then random finite values.
 */
export function fixtureValues(type: IdxType, count: number, seed = 1): FixtureArray {
  const random = fixtureRandom(seed);
  const int = (min: number, max: number) => Math.floor(min + random() * (max - min + 1));
  switch (type) {
    case 'uint8':
      return fill(new Uint8Array(count), [0, 255, 1, 128], () => int(0, 255));
    case 'int8':
      return fill(new Int8Array(count), [-128, 127, 0, -1], () => int(-128, 127));
    case 'int16':
      return fill(new Int16Array(count), [-32768, 32767, 0, -1, 256], () => int(-32768, 32767));
    case 'int32':
      return fill(new Int32Array(count), [-(2 ** 31), 2 ** 31 - 1, 0, -1, 0x01020304], () =>
        int(-(2 ** 31), 2 ** 31 - 1),
      );
    case 'float32':
      return fill(
        new Float32Array(count),
        [
          0,
          -0,
          Number.POSITIVE_INFINITY,
          Number.NEGATIVE_INFINITY,
          Number.NaN,
          3.4028234663852886e38,
          1e-45,
        ],
        () => (random() - 0.5) * 2 ** int(-20, 20),
      );
    case 'float64':
      return fill(
        new Float64Array(count),
        [
          0,
          -0,
          Number.POSITIVE_INFINITY,
          Number.NEGATIVE_INFINITY,
          Number.NaN,
          Number.MAX_VALUE,
          5e-324,
        ],
        () => (random() - 0.5) * 2 ** int(-300, 300),
      );
  }
}

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function fill<T extends FixtureArray>(out: T, specials: readonly number[], next: () => number): T {
  for (let i = 0; i < out.length; i++) out[i] = i < specials.length ? specials[i] : next();
  return out;
}

/**
 * An IDX file of `type` and `shape` holding `values` (default {@link fixtureValues} with seed 1),
 * encoded with DataView big-endian writes. Float typed arrays are written through their bit
 * patterns, so NaN payloads in `values` reach the file unchanged.
 */
export function makeIdx(
  type: IdxType,
  shape: readonly number[],
  values?: ArrayLike<number>,
): Uint8Array {
  const { code, size } = FIXTURE_IDX_TYPES[type];
  const count = shape.reduce((a, b) => a * b, 1);
  const data = values ?? fixtureValues(type, count);
  if (data.length !== count) {
    throw new Error(
      `makeIdx: shape [${shape.join(', ')}] needs ${count} values, got ${data.length}`,
    );
  }
  const header = idxHeader({ typeCode: code, dims: shape });
  const out = new Uint8Array(header.length + count * size);
  out.set(header);
  const view = new DataView(out.buffer, header.length);
  // Float typed arrays are copied through their host-order bits (DataView float writes would
  // canonicalise NaN payloads).
  const bits =
    data instanceof Float32Array || data instanceof Float64Array
      ? new DataView(data.buffer, data.byteOffset, data.byteLength)
      : undefined;
  for (let i = 0; i < count; i++) {
    const offset = i * size;
    switch (type) {
      case 'uint8':
        view.setUint8(offset, data[i]);
        break;
      case 'int8':
        view.setInt8(offset, data[i]);
        break;
      case 'int16':
        view.setInt16(offset, data[i], false);
        break;
      case 'int32':
        view.setInt32(offset, data[i], false);
        break;
      case 'float32':
        if (bits) view.setUint32(offset, bits.getUint32(offset, HOST_LE), false);
        else view.setFloat32(offset, data[i], false);
        break;
      case 'float64':
        if (bits) view.setBigUint64(offset, bits.getBigUint64(offset, HOST_LE), false);
        else {
          view.setFloat64(offset, data[i], false);
        }
        break;
    }
  }
  return out;
}

/**
 * Learnable synthetic images: `count * height * width` pixels, random noise in 0..127 plus
 * +128 on a horizontal band whose position depends on the image's label (when `labels` is given),
 * so tiny models can beat chance on them.
 */
export function makeImages(
  count: number,
  height = 28,
  width = 28,
  seed = 1,
  labels?: ArrayLike<number>,
  numClasses = 10,
): Uint8Array {
  const random = fixtureRandom(seed ^ 0x5eed);
  const pixels = new Uint8Array(count * height * width);
  const band = Math.max(1, Math.floor(height / numClasses));
  for (let n = 0, p = 0; n < count; n++) {
    const top = labels ? (labels[n] % numClasses) * band : -1;
    for (let y = 0; y < height; y++) {
      const lit = y >= top && y < top + band;
      for (let x = 0; x < width; x++, p++) {
        pixels[p] = Math.floor(random() * 128) + (lit ? 128 : 0);
      }
    }
  }
  return pixels;
}

/**
 * `count` labels in 0..numClasses-1, class-balanced like Fashion-MNIST (`i % numClasses`,
 * then shuffled with the seed).
 */
export function makeLabels(count: number, seed = 1, numClasses = 10): Uint8Array {
  const random = fixtureRandom(seed ^ 0x1abe1);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = i % numClasses;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = labels[i];
    labels[i] = labels[j];
    labels[j] = t;
  }
  return labels;
}

/** A raw uint8 IDX image file of shape `[count, height, width]` holding {@link makeImages}. */
export function makeImagesIdx(count: number, height = 28, width = 28, seed = 1): Uint8Array {
  return makeIdx('uint8', [count, height, width], makeImages(count, height, width, seed));
}

/** A raw uint8 IDX label file of shape `[labels.length]`. */
export function makeLabelsIdx(labels: ArrayLike<number>): Uint8Array {
  return makeIdx('uint8', [labels.length], labels);
}

/** Options for {@link makeDatasetFiles}. */
export interface DatasetFilesOptions {
  /** Number of samples. */
  count: number;
  /** Seed for labels and pixels; default 1. */
  seed?: number;
  /** Image height; default 28. */
  height?: number;
  /** Image width; default 28. */
  width?: number;
  /** Number of classes; default 10. */
  numClasses?: number;
}

/** One synthetic split, in every form a loader meets: decoded, raw IDX and gzipped IDX. */
export interface DatasetFilesFixture {
  count: number;
  height: number;
  width: number;
  numClasses: number;
  /** `count * height * width` pixels, row-major, image after image. */
  images: Uint8Array;
  /** `count` class ids. */
  labels: Uint8Array;
  /** Raw IDX image file (`[count, height, width]` uint8). */
  imagesIdx: Uint8Array;
  /** Raw IDX label file (`[count]` uint8). */
  labelsIdx: Uint8Array;
  /** `imagesIdx` gzipped, like `train-images-idx3-ubyte.gz`. */
  imagesIdxGz: Uint8Array;
  /** `labelsIdx` gzipped, like `train-labels-idx1-ubyte.gz`. */
  labelsIdxGz: Uint8Array;
}

/**
 * A deterministic synthetic split shaped like a Fashion-MNIST one: balanced labels, learnable
 * images (see {@link makeImages}), and the matching IDX files raw and gzipped (node:zlib).
 */
export function makeDatasetFiles(options: DatasetFilesOptions): DatasetFilesFixture {
  const { count, seed = 1, height = 28, width = 28, numClasses = 10 } = options;
  const labels = makeLabels(count, seed, numClasses);
  const images = makeImages(count, height, width, seed, labels, numClasses);
  const imagesIdx = makeIdx('uint8', [count, height, width], images);
  const labelsIdx = makeLabelsIdx(labels);
  return {
    count,
    height,
    width,
    numClasses,
    images,
    labels,
    imagesIdx,
    labelsIdx,
    imagesIdxGz: gzipBytes(imagesIdx),
    labelsIdxGz: gzipBytes(labelsIdx),
  };
}

/** gzip with node:zlib, returned as a plain Uint8Array (not a pooled Buffer). */
export function gzipBytes(bytes: Uint8Array, level = 6): Uint8Array {
  return new Uint8Array(gzipSync(bytes, { level }));
}
