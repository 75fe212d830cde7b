// Seeded augmentation: random shifts and horizontal flips of images, the same draws on every platform.
import { FmnistError } from './errors.ts';
import { optionError } from './optionChecks.ts';
import { mulberry32 } from './random.ts';

/**
 * What {@link augmentImages} (and `batches({ augment })`) does to each image. An image is
 * mirrored left-right first (when `flip` draws it), then moved by whole pixels; pixels moved in
 * from outside the image get the background value (raw 0, i.e. `fill`).
 */
export interface AugmentOptions {
  /**
   * Largest shift in pixels along each axis: each image moves by `dy` rows and `dx` columns, each
   * drawn uniformly from `-maxShift .. maxShift`. An integer from 0 to 8. Default 0 (no shifts).
   */
  maxShift?: number;
  /**
   * Mirror each image left-right with probability 1/2. Right for clothing (a shoe pointing left is
   * still a shoe), wrong for digits. Default false.
   */
  flip?: boolean;
  /**
   * Seed of the draws. `batches` defaults it to the batch `seed` (so `toTfDataset`'s per-epoch
   * seeds give new draws each epoch); {@link augmentImages} defaults it to 0.
   */
  seed?: number;
}

/** Extra arguments of {@link augmentImages} beyond {@link AugmentOptions}. */
export interface AugmentImagesOptions extends AugmentOptions {
  /** Value of pixels moved in from outside: the normalized value of a raw 0. Default 0. */
  fill?: number;
  /**
   * Which stream of draws to use for these images: `batches` passes the batch number, so batch
   * `b` gets the same draws however many batches were taken before it. Default 0.
   */
  stream?: number;
}

/** Largest `maxShift` accepted: beyond a third of a 28-pixel image there is little garment left. */
const MAX_SHIFT = 8;

/**
 * Checks {@link AugmentOptions}: returns them when they change anything (a shift or a flip), and
 * undefined when they are absent or do nothing.
 *
 * @param where The calling function, for the message.
 * @throws FmnistError `INVALID_ARGUMENT` naming the bad option.
 */
export function activeAugment<T extends AugmentOptions>(
  augment: T | undefined,
  where: string,
): T | undefined {
  if (augment === undefined) return undefined;
  if (typeof augment !== 'object' || augment === null || Array.isArray(augment)) {
    throw optionError(
      where,
      'augment',
      'must be an object like { maxShift: 2, flip: true }',
      augment,
    );
  }
  const { maxShift, flip, seed } = augment as Record<string, unknown>;
  if (
    maxShift !== undefined &&
    !(
      typeof maxShift === 'number' &&
      Number.isInteger(maxShift) &&
      maxShift >= 0 &&
      maxShift <= MAX_SHIFT
    )
  ) {
    throw optionError(
      where,
      'augment.maxShift',
      `must be an integer from 0 to ${MAX_SHIFT}`,
      maxShift,
    );
  }
  if (flip !== undefined && typeof flip !== 'boolean') {
    throw optionError(where, 'augment.flip', 'must be true or false', flip);
  }
  if (seed !== undefined && !(typeof seed === 'number' && Number.isFinite(seed))) {
    throw optionError(where, 'augment.seed', 'must be a finite number', seed);
  }
  return ((maxShift as number | undefined) ?? 0) > 0 || flip === true ? augment : undefined;
}

/**
 * The random source of stream `stream` under `seed`: Mulberry32 seeded with the two mixed, so
 * neighbouring batches (streams) and neighbouring seeds do not share draws.
 */
function streamRandom(seed: number, stream: number): () => number {
  const mixed =
    Math.imul((seed >>> 0) ^ 0x85ebca6b, 0xc2b2ae35) ^ Math.imul(stream + 1, 0x9e3779b1);
  return mulberry32(mixed >>> 0);
}

/**
 * Shifts and flips `count` images of `height x width` floats in place, with seeded draws: for each
 * image in order, `dy` then `dx` (when `maxShift > 0`, each `floor(r * (2 * maxShift + 1)) -
 * maxShift`), then the flip (when `flip`, `r < 0.5`), where `r` are the numbers of
 * `mulberry32` seeded from `(seed, stream)`. The draws are integer arithmetic, so the same
 * arguments give the same images on every engine.
 *
 * @param images `count * height * width` floats, image after image; changed in place.
 * @returns `images`.
 * @throws FmnistError `INVALID_ARGUMENT` for bad options or an `images` length that is not
 *   `count * height * width`.
 */
export function augmentImages(
  images: Float32Array,
  count: number,
  height: number,
  width: number,
  options: AugmentImagesOptions,
): Float32Array {
  const active = activeAugment(options, 'augmentImages');
  const pixels = height * width;
  if (!(images instanceof Float32Array) || images.length !== count * pixels) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `augmentImages: images must be a Float32Array of count * height * width = ${count * pixels} floats, got ${images instanceof Float32Array ? images.length : typeof images}.`,
    );
  }
  return active === undefined ? images : applyAugment(images, count, height, width, active);
}

/**
 * {@link augmentImages} without the checks, for callers that checked once (`batches` checks its
 * options when called, then applies them to every batch).
 */
export function applyAugment(
  images: Float32Array,
  count: number,
  height: number,
  width: number,
  options: AugmentImagesOptions,
): Float32Array {
  const pixels = height * width;
  const maxShift = options.maxShift ?? 0;
  const flip = options.flip ?? false;
  const fill = options.fill ?? 0;
  const random = streamRandom(options.seed ?? 0, options.stream ?? 0);
  const span = 2 * maxShift + 1;
  const scratch = new Float32Array(pixels);
  for (let i = 0; i < count; i++) {
    const dy = maxShift > 0 ? Math.floor(random() * span) - maxShift : 0;
    const dx = maxShift > 0 ? Math.floor(random() * span) - maxShift : 0;
    const mirror = flip && random() < 0.5;
    if (dy === 0 && dx === 0 && !mirror) continue;
    const base = i * pixels;
    scratch.set(images.subarray(base, base + pixels));
    for (let y = 0; y < height; y++) {
      const row = base + y * width;
      const sy = y - dy;
      if (sy < 0 || sy >= height) {
        images.fill(fill, row, row + width);
        continue;
      }
      const from = sy * width;
      for (let x = 0; x < width; x++) {
        const sx = x - dx;
        images[row + x] =
          sx < 0 || sx >= width ? fill : scratch[from + (mirror ? width - 1 - sx : sx)];
      }
    }
  }
  return images;
}
