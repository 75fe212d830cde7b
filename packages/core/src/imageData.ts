// Images on screen: one sample of a split as ImageData, and a grid of samples with their class names drawn into a canvas.
import { FmnistError } from './errors.ts';
import type { DatasetSplit } from './splits.ts';

/** Options for {@link toImageData}. */
export interface ImageDataOptions {
  /**
   * Dark ink on white (`true`, default), as the dataset's own previews show clothes, or the
   * stored values as they are: white ink on black (`false`).
   */
  invert?: boolean;
  /** Whole-number magnification: each pixel becomes `scale x scale`. Default 1. */
  scale?: number;
}

function checkIndex(split: DatasetSplit, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= split.count) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `index must be an integer from 0 to ${split.count - 1}, got ${index}.`,
      { details: { index, count: split.count } },
    );
  }
}

function checkScale(scale: number): void {
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `scale must be an integer from 1 to 64, got ${scale}.`,
    );
  }
}

/**
 * Image `index` of `split` as RGBA pixels for `putImageData`: an `ImageData` in browsers and
 * workers, a plain `{ width, height, data }` elsewhere (Node). Grey levels, opaque.
 *
 * ```ts
 * canvas.getContext('2d').putImageData(toImageData(test, 0, { scale: 4 }), 0, 0);
 * ```
 *
 * @throws FmnistError INVALID_ARGUMENT for an index outside the split or a bad scale.
 */
export function toImageData(
  split: DatasetSplit,
  index: number,
  options: ImageDataOptions = {},
): ImageData {
  checkIndex(split, index);
  const scale = options.scale ?? 1;
  checkScale(scale);
  const invert = options.invert ?? true;
  const [h, w] = split.imageShape;
  const width = w * scale;
  const height = h * scale;
  const data = new Uint8ClampedArray(width * height * 4);
  const offset = index * h * w;
  for (let y = 0; y < height; y++) {
    const row = offset + Math.floor(y / scale) * w;
    for (let x = 0; x < width; x++) {
      const stored = split.images[row + Math.floor(x / scale)];
      const v = invert ? 255 - stored : stored;
      const p = (y * width + x) * 4;
      data[p] = v;
      data[p + 1] = v;
      data[p + 2] = v;
      data[p + 3] = 255;
    }
  }
  if (typeof globalThis.ImageData === 'function') return new ImageData(data, width, height);
  return { width, height, data, colorSpace: 'srgb' } as ImageData;
}

/** Options for {@link drawGrid}. */
export interface DrawGridOptions extends ImageDataOptions {
  /** Which samples, in order. Default the first `count`. */
  indices?: readonly number[];
  /** How many samples when `indices` is not given. Default 24 (fewer when the split is smaller). */
  count?: number;
  /** Images per row. Default 8. */
  columns?: number;
  /** Magnification of each image. Default 2. */
  scale?: number;
  /** Pixels between cells. Default 4. */
  gap?: number;
  /** Draw each image's class name under it. Default true. */
  labels?: boolean;
  /** Caption per cell instead of the class name (e.g. `'Shirt (pred. T-shirt/top)'`). */
  captions?: readonly string[];
  /** CSS font of the captions. Default `'10px sans-serif'`. */
  font?: string;
}

/** Where {@link drawGrid} put each image, for hit-testing and tests. */
export interface GridLayout {
  /** Canvas size the grid needs (the canvas is resized to it). */
  width: number;
  height: number;
  /** One cell per drawn sample: its index in the split, caption and image rectangle. */
  cells: { index: number; caption: string; x: number; y: number; width: number; height: number }[];
}

/** The 2-D context of a canvas, as drawGrid uses it (HTMLCanvasElement or OffscreenCanvas). */
type Canvas2D = {
  width: number;
  height: number;
  getContext(kind: '2d'): CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
};

/**
 * Draws samples of `split` as a grid into `canvas` (resized to fit), each with its class name
 * underneath: the first look at a dataset, in a page or on an OffscreenCanvas in a worker.
 *
 * ```ts
 * drawGrid(document.querySelector('canvas')!, test, { count: 16, columns: 8, scale: 3 });
 * ```
 *
 * @throws FmnistError INVALID_ARGUMENT for an index outside the split, a bad scale or columns, or
 *   a canvas without a 2-D context.
 */
export function drawGrid(
  canvas: Canvas2D,
  split: DatasetSplit,
  options: DrawGridOptions = {},
): GridLayout {
  const scale = options.scale ?? 2;
  checkScale(scale);
  const indices = options.indices ?? [...Array(Math.min(options.count ?? 24, split.count)).keys()];
  for (const index of indices) checkIndex(split, index);
  const columns = options.columns ?? 8;
  if (!Number.isInteger(columns) || columns < 1) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `columns must be a positive integer, got ${columns}.`,
    );
  }
  const gap = options.gap ?? 4;
  const labels = options.labels ?? true;
  const [h, w] = split.imageShape;
  const cellW = Math.max(w * scale, labels ? 64 : 0);
  const captionH = labels ? 14 : 0;
  const cellH = h * scale + captionH;
  const rows = Math.ceil(indices.length / columns);
  const width = Math.max(1, Math.min(columns, indices.length) * (cellW + gap) - gap);
  const height = Math.max(1, rows * (cellH + gap) - gap);
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new FmnistError('INVALID_ARGUMENT', 'drawGrid: the canvas has no 2-D context.');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.font = options.font ?? '10px sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillStyle = '#222';
  const cells = indices.map((index, i) => {
    const x = (i % columns) * (cellW + gap) + Math.floor((cellW - w * scale) / 2);
    const y = Math.floor(i / columns) * (cellH + gap);
    ctx.putImageData(toImageData(split, index, { invert: options.invert, scale }), x, y);
    const caption = options.captions?.[i] ?? split.classNames[split.labels[index]] ?? '';
    if (labels) ctx.fillText(caption, x + (w * scale) / 2, y + h * scale + 2, cellW);
    return { index, caption, x, y, width: w * scale, height: h * scale };
  });
  return { width, height, cells };
}
