// Pixel transforms: bytes to normalised floats in a layout, and one-hot labels.
import { type DatasetDescriptor, getDataset } from './datasets.ts';
import { FmnistError } from './errors.ts';
import { type Float32Kernel, float32Choice } from './float32Simd.ts';

/**
 * How bytes become floats:
 * - `'scale'`: `x / 255`, into `[0, 1]` (the default);
 * - `'standardize'`: `(x / 255 - mean) / std`, with the dataset's training-set mean and std unless
 *   `mean`/`std` are given;
 * - `'none'`: the raw `0 .. 255` values as floats.
 */
export type Normalize = 'scale' | 'standardize' | 'none';

/** Options for {@link toFloat32}; also accepted by `batches`. */
export interface Float32Options {
  /** How to map bytes to floats. Default `'scale'`. */
  normalize?: Normalize;
  /**
   * Mean of the pixels after scaling to `[0, 1]`, for `'standardize'`. Default: the dataset's
   * `mean` (see `dataset`).
   */
  mean?: number;
  /** Standard deviation after scaling to `[0, 1]`, for `'standardize'`; must be > 0. Default: the dataset's `std`. */
  std?: number;
  /**
   * Whose `mean`/`std` `'standardize'` uses when they are not given. Default `'fashion-mnist'`;
   * `batches` passes the split's own dataset. Ignored for the other modes.
   */
  dataset?: string | DatasetDescriptor;
  /**
   * Write into this array instead of allocating one (e.g. to reuse memory across epochs). Its
   * length must equal the number of pixels; it is returned.
   */
  out?: Float32Array;
}

/**
 * Converts image bytes to `Float32Array` pixels, one float per byte, in the same order.
 *
 * Where WebAssembly SIMD runs (Node, current browsers and workers) a small embedded wasm kernel
 * converts 16 pixels a step, in cache-sized chunks; elsewhere (no WebAssembly or SIMD, a page
 * whose Content-Security-Policy forbids compiling wasm, inputs under 256 pixels) bytes index
 * lookup tables of `x * a + b`. Both give the same bits: the kernel is used for a normalisation
 * only after it reproduced the table on all 256 byte values. On the training split's 47M pixels
 * into a reused `out` that took 1.0-1.6x numpy's `astype(float32) / 255`; a fresh array adds
 * the first touch of its pages, which numpy's huge pages make cheaper (on Linux, starting Node
 * with `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` gives its big arrays huge pages too; see
 * `bench/toFloat32.bench.ts`).
 * Results equal `x / 255` exactly for `'scale'` and `(x / 255 - mean) / std` to within float32
 * rounding for `'standardize'`; pass `out` to skip allocating (and first touching) a fresh array.
 *
 * @param images Pixel bytes, e.g. `split.images` (any number of images).
 * @param options See {@link Float32Options}.
 * @throws FmnistError `INVALID_ARGUMENT` for a non-`Uint8Array` input, an unknown `normalize`, a
 *   bad mean/std, a dataset without mean/std when standardizing, or an `out` of the wrong length.
 */
export function toFloat32(images: Uint8Array, options: Float32Options = {}): Float32Array {
  if (!isUint8Array(images)) {
    throw new FmnistError('INVALID_ARGUMENT', 'toFloat32: images must be a Uint8Array.');
  }
  const { scale, offset } = affineFor(options);
  const out = options.out ?? new Float32Array(images.length);
  if (!(out instanceof Float32Array) || out.length !== images.length) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `toFloat32: out must be a Float32Array of length ${images.length} (one float per pixel), got ${
        out instanceof Float32Array ? `length ${out.length}` : 'another type'
      }.`,
      { details: { expected: images.length } },
    );
  }
  convertRange(images, 0, images.length, out, 0, scale, offset);
  return out;
}

/**
 * One-hot encodes labels: row `i` of the result (length `numClasses`) is all zeros except a 1 at
 * `labels[i]`. Row-major, `labels.length * numClasses` floats.
 *
 * @param labels Class ids, each below `numClasses`.
 * @param numClasses Row width. Default 10.
 * @param out Array to fill (zeroed first) instead of allocating; length must be `labels.length * numClasses`.
 * @throws FmnistError `INVALID_ARGUMENT` for a label `>= numClasses`, a bad `numClasses` or a wrong `out` length.
 */
export function oneHot(labels: Uint8Array, numClasses = 10, out?: Float32Array): Float32Array {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `oneHot: numClasses must be a positive integer, got ${String(numClasses)}.`,
      { details: { numClasses } },
    );
  }
  const size = labels.length * numClasses;
  if (out !== undefined && (!(out instanceof Float32Array) || out.length !== size)) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `oneHot: out must be a Float32Array of length ${size} (labels.length * numClasses).`,
      { details: { expected: size } },
    );
  }
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!(label < numClasses)) {
      throw new FmnistError(
        'INVALID_ARGUMENT',
        `oneHot: label ${label} at index ${i} is not below numClasses ${numClasses}.`,
        { details: { index: i, label, numClasses } },
      );
    }
  }
  const result = out ?? new Float32Array(size);
  if (out) result.fill(0);
  for (let i = 0; i < labels.length; i++) result[i * numClasses + labels[i]] = 1;
  return result;
}

/**
 * How a batch of images is shaped for a framework: `'flat'` is `[N, H*W]` (dense layers, brain.js),
 * `'nhwc'` is `[N, H, W, 1]` (TensorFlow.js convolutions), `'nchw'` is `[N, 1, H, W]` (ONNX/PyTorch).
 */
export type Layout = 'flat' | 'nhwc' | 'nchw';

/**
 * The tensor shape of `count` images in a layout. With a single channel the three layouts have
 * identical memory (row-major pixels, image after image): only the shape differs, so the same
 * `Float32Array` from {@link toFloat32} serves all three without any transpose.
 *
 * @param layout `'flat'` -> `[count, height*width]`; `'nhwc'` -> `[count, height, width, 1]`;
 *   `'nchw'` -> `[count, 1, height, width]`.
 * @param count Number of images (a non-negative integer).
 * @param height Image height. Default 28.
 * @param width Image width. Default 28.
 * @throws FmnistError `INVALID_ARGUMENT` for an unknown layout or a bad dimension.
 */
export function layoutShape(layout: Layout, count: number, height = 28, width = 28): number[] {
  for (const [name, value] of [
    ['count', count],
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new FmnistError(
        'INVALID_ARGUMENT',
        `layoutShape: ${name} must be a non-negative integer, got ${String(value)}.`,
        { details: { [name]: value } },
      );
    }
  }
  switch (layout) {
    case 'flat':
      return [count, height * width];
    case 'nhwc':
      return [count, height, width, 1];
    case 'nchw':
      return [count, 1, height, width];
    default:
      throw new FmnistError(
        'INVALID_ARGUMENT',
        `layoutShape: unknown layout "${String(layout)}"; use 'flat', 'nhwc' or 'nchw'.`,
        { details: { layout } },
      );
  }
}

/**
 * `x -> x * scale + offset` for the given options, validated. Shared with `batches` so both
 * produce bit-identical floats.
 * @internal
 */
export function affineFor(options: Float32Options): { scale: number; offset: number } {
  const normalize = options.normalize ?? 'scale';
  switch (normalize) {
    case 'scale':
      return { scale: 1 / 255, offset: 0 };
    case 'none':
      return { scale: 1, offset: 0 };
    case 'standardize': {
      let { mean, std } = options;
      if (mean === undefined || std === undefined) {
        const descriptor = getDataset(options.dataset);
        mean ??= descriptor.mean;
        std ??= descriptor.std;
        if (mean === undefined || std === undefined) {
          throw new FmnistError(
            'INVALID_ARGUMENT',
            `Dataset "${descriptor.id}" has no mean/std: pass mean and std to standardize it.`,
            { details: { dataset: descriptor.id } },
          );
        }
      }
      if (typeof mean !== 'number' || !Number.isFinite(mean)) {
        throw new FmnistError(
          'INVALID_ARGUMENT',
          `mean must be a finite number, got ${String(mean)}.`,
        );
      }
      if (typeof std !== 'number' || !Number.isFinite(std) || std <= 0) {
        throw new FmnistError(
          'INVALID_ARGUMENT',
          `std must be a finite number above 0, got ${String(std)}.`,
        );
      }
      return { scale: 1 / (255 * std), offset: -mean / std };
    }
    default:
      throw new FmnistError(
        'INVALID_ARGUMENT',
        `Unknown normalize "${String(normalize)}"; use 'scale', 'standardize' or 'none'.`,
        { details: { normalize } },
      );
  }
}

/** Lookup tables for one `x -> x * scale + offset`: per byte, and per pair of bytes. */
interface Tables {
  scale: number;
  offset: number;
  /** `bytes[x] = x * scale + offset`, rounded to float32 as a store into a Float32Array rounds. */
  bytes: Float32Array;
  /** Two float32s per entry, `bytes[k & 255]` then `bytes[k >> 8]`; built on first large use. */
  pairs?: Float64Array;
}

/** The last tables built: `batches` converts image by image with one normalisation. */
let cached: Tables | undefined;

function tablesFor(scale: number, offset: number): Tables {
  if (cached?.scale === scale && cached.offset === offset) return cached;
  const bytes = new Float32Array(256);
  for (let x = 0; x < 256; x++) bytes[x] = x * scale + offset;
  cached = { scale, offset, bytes };
  return cached;
}

/**
 * The pair table (512 KB, little-endian byte order): one 64-bit load and store moves two pixels.
 * A pair of finite float32s never reads as a NaN double (the high float's exponent is below 255),
 * so engines that canonicalise NaNs cannot alter it.
 */
function pairsOf(tables: Tables): Float64Array {
  if (tables.pairs) return tables.pairs;
  const pairs = new Float64Array(65536);
  const halves = new Float32Array(pairs.buffer);
  const { bytes } = tables;
  for (let k = 0; k < 65536; k++) {
    halves[2 * k] = bytes[k & 255];
    halves[2 * k + 1] = bytes[k >>> 8];
  }
  tables.pairs = pairs;
  return pairs;
}

/** From this many pixels the kernel, two copies and a call included, takes half the tables' time. */
const WASM_THRESHOLD = 256;
/** Below this many pixels the 256-entry table is used alone (the pair table costs 0.1 ms to build). */
const PAIR_THRESHOLD = 1 << 16;
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Converts `length` bytes from `src[srcStart]` into `dst[dstStart]`, `x -> x * scale + offset`:
 * through the wasm kernel that {@link float32Choice} proved exact for this map, else through
 * lookup tables, bit-identical to computing each value, with no conversion or branch per pixel.
 * Large aligned runs there read four bytes at a time and write two floats per 64-bit store
 * (about 2x faster than one multiply-add per pixel on the training split).
 * @internal
 */
export function convertRange(
  src: Uint8Array,
  srcStart: number,
  length: number,
  dst: Float32Array,
  dstStart: number,
  scale: number,
  offset: number,
): void {
  const tables = tablesFor(scale, offset);
  const table = tables.bytes;
  if (length >= WASM_THRESHOLD) {
    const { convert } = float32Choice(scale, offset, table);
    if (convert) {
      convert(src, srcStart, length, dst, dstStart);
      return;
    }
  }
  const end = srcStart + length;
  let i = srcStart;
  let j = dstStart;
  if (length >= PAIR_THRESHOLD && LITTLE_ENDIAN) {
    // Step singly until the source sits on 4 bytes; the 64-bit stores then need the output on 8.
    while ((src.byteOffset + i) % 4 !== 0) dst[j++] = table[src[i++]];
    if ((dst.byteOffset + j * 4) % 8 === 0) {
      const words = (end - i) >>> 2;
      const quads = new Uint32Array(src.buffer, src.byteOffset + i, words);
      const out = new Float64Array(dst.buffer, dst.byteOffset + j * 4, words * 2);
      const pairs = pairsOf(tables);
      for (let w = 0, o = 0; w < words; w++, o += 2) {
        const x = quads[w];
        out[o] = pairs[x & 0xffff];
        out[o + 1] = pairs[x >>> 16];
      }
      i += words * 4;
      j += words * 4;
    }
  }
  const unrolledEnd = end - 3;
  for (; i < unrolledEnd; i += 4, j += 4) {
    dst[j] = table[src[i]];
    dst[j + 1] = table[src[i + 1]];
    dst[j + 2] = table[src[i + 2]];
    dst[j + 3] = table[src[i + 3]];
  }
  for (; i < end; i++, j++) dst[j] = table[src[i]];
}

/**
 * Which code converts `toFloat32(images, options)` for inputs of 256 pixels or more: a wasm
 * kernel's name, or `'js'` for the lookup tables. For tests, the browser check and the bench.
 * @internal
 */
export function float32KernelFor(options: Float32Options = {}): Float32Kernel {
  const { scale, offset } = affineFor(options);
  return float32Choice(scale, offset, tablesFor(scale, offset).bytes).kernel;
}

/**
 * True for a `Uint8Array` (or a Node `Buffer`) from any realm; `instanceof` fails across realms
 * (iframes, workers, vm contexts) and a `Uint8ClampedArray` is not accepted.
 * @internal
 */
export function isUint8Array(value: unknown): value is Uint8Array {
  return (
    ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === '[object Uint8Array]'
  );
}
