// `fmnist preview`: a PNG grid of images with each class name under its image.
import path from 'node:path';
import { type DatasetSplit, type Split, shuffledIndices } from '@fmnist/core/node';
import { resolveClass } from './classes.ts';
import { defineCommand } from './command.ts';
import type { CommandContext } from './context.ts';
import { CliError, ExitCode, type ExitCodeValue } from './errors.ts';
import { drawText, GLYPH_HEIGHT, textWidth } from './font.ts';
import { loadSplit } from './load.ts';
import { type CommonOptions, integerArg, splitOption } from './options.ts';
import { makeOutputDir, writeOutputFile } from './outputFiles.ts';
import { refuseExisting, refuseInputs } from './outputTargets.ts';
import { writeRgbPng } from './pngStream.ts';
import { resolveTarget } from './target.ts';

/** Options of `fmnist preview`. */
export interface PreviewOptions extends CommonOptions {
  out: string;
  split: Split;
  count: number;
  seed?: number;
  class?: string;
  scale: number;
  columns?: number;
  /** `--force`: replace an existing file (only once the new one is complete). */
  force?: boolean;
}

const BACKGROUND: readonly [number, number, number] = [48, 48, 52];
const TEXT: readonly [number, number, number] = [245, 245, 245];
const PAD = 6;
const LABEL_GAP = 4;

/** Geometry of a preview grid, exported for tests and for anyone drawing over it. */
export interface GridLayout {
  columns: number;
  rows: number;
  cellWidth: number;
  cellHeight: number;
  width: number;
  height: number;
  /** Size of one image in the grid in pixels (image side x scale). */
  imageWidth: number;
  imageHeight: number;
  /** Scale of the label font. */
  fontScale: number;
}

/**
 * Lays out `count` images of `imageShape` at `scale` with labels up to `labelWidth` font pixels
 * wide. Cells are as wide as the wider of the image and the longest label, so no label is ever
 * cut; the font grows with the image scale (1x up to scale 5, then 2x, ...).
 */
export function gridLayout(
  count: number,
  imageShape: readonly [number, number],
  scale: number,
  labels: readonly string[],
  columns?: number,
): GridLayout {
  const cols = Math.max(1, Math.min(count, columns ?? Math.ceil(Math.sqrt(count))));
  const rows = Math.max(1, Math.ceil(count / cols));
  const fontScale = Math.max(1, Math.floor(scale / 3));
  const imageWidth = imageShape[1] * scale;
  const imageHeight = imageShape[0] * scale;
  const labelWidth = Math.max(0, ...labels.map((l) => textWidth(l, fontScale)));
  const cellWidth = Math.max(imageWidth, labelWidth) + 2 * PAD;
  const cellHeight = PAD + imageHeight + LABEL_GAP + GLYPH_HEIGHT * fontScale + PAD;
  return {
    columns: cols,
    rows,
    cellWidth,
    cellHeight,
    width: cols * cellWidth,
    height: rows * cellHeight,
    imageWidth,
    imageHeight,
    fontScale,
  };
}

/** Where in the grid image `n` and its label are drawn. */
export function cellOrigin(
  layout: GridLayout,
  n: number,
): { imageX: number; imageY: number; labelY: number } {
  const col = n % layout.columns;
  const row = Math.floor(n / layout.columns);
  return {
    imageX: col * layout.cellWidth + Math.floor((layout.cellWidth - layout.imageWidth) / 2),
    imageY: row * layout.cellHeight + PAD,
    labelY: row * layout.cellHeight + PAD + layout.imageHeight + LABEL_GAP,
  };
}

/** The largest grid `preview` draws, in pixels per side and in total (see the README). */
export const PREVIEW_LIMITS = Object.freeze({ side: 16_384, pixels: 64 * 1024 * 1024 });

/**
 * Draws lines `y0` to `y0 + rgba.length / (width * 4)` of the grid into `rgba` (RGBA): the
 * background, the parts of the images and labels that fall in those lines. Drawing the grid
 * band by band keeps memory at one band, whatever the grid's size.
 */
export function renderBand(
  split: DatasetSplit,
  indices: readonly number[],
  layout: GridLayout,
  scale: number,
  y0: number,
  rgba: Uint8Array,
): void {
  const { width } = layout;
  const lines = Math.floor(rgba.length / (width * 4));
  for (let o = 0; o < rgba.length; o += 4) {
    rgba[o] = BACKGROUND[0];
    rgba[o + 1] = BACKGROUND[1];
    rgba[o + 2] = BACKGROUND[2];
    rgba[o + 3] = 255;
  }
  const [h, w] = split.imageShape;
  const firstRow = Math.floor(y0 / layout.cellHeight);
  const lastRow = Math.min(layout.rows - 1, Math.floor((y0 + lines - 1) / layout.cellHeight));
  for (let row = firstRow; row <= lastRow; row++) {
    for (let col = 0; col < layout.columns; col++) {
      const n = row * layout.columns + col;
      if (n >= indices.length) break;
      const { imageX, imageY, labelY } = cellOrigin(layout, n);
      const base = indices[n] * h * w;
      const from = Math.max(0, y0 - imageY);
      const to = Math.min(layout.imageHeight, y0 + lines - imageY);
      for (let y = from; y < to; y++) {
        const srcRow = base + Math.floor(y / scale) * w;
        let o = ((imageY + y - y0) * width + imageX) * 4;
        for (let x = 0; x < layout.imageWidth; x++, o += 4) {
          const v = split.images[srcRow + Math.floor(x / scale)];
          rgba[o] = v;
          rgba[o + 1] = v;
          rgba[o + 2] = v;
        }
      }
      const label = split.classNames[split.labels[indices[n]]];
      const labelX =
        col * layout.cellWidth +
        Math.floor((layout.cellWidth - textWidth(label, layout.fontScale)) / 2);
      drawText(rgba, width, labelX, labelY - y0, label, TEXT, layout.fontScale);
    }
  }
}

/** The layout of the chosen images of `split`, with their class names as labels. */
function layoutFor(
  split: DatasetSplit,
  indices: readonly number[],
  scale: number,
  columns?: number,
): GridLayout {
  const labels = indices.map((i) => split.classNames[split.labels[i]]);
  return gridLayout(indices.length, split.imageShape, scale, labels, columns);
}

/** Draws the chosen images of `split` with their class names under them into an RGBA buffer. */
export function renderGrid(
  split: DatasetSplit,
  indices: readonly number[],
  scale: number,
  columns?: number,
): { layout: GridLayout; rgba: Uint8Array } {
  const layout = layoutFor(split, indices, scale, columns);
  const rgba = new Uint8Array(layout.width * layout.height * 4);
  renderBand(split, indices, layout, scale, 0, rgba);
  return { layout, rgba };
}

/** `fmnist preview`: a PNG grid of images with their class names. */
export const previewCommand = defineCommand({
  name: 'preview',
  description: 'write a PNG grid of images with each class name under its image',
  configure: (command) =>
    command
      .requiredOption('-o, --out <file>', 'PNG file to write')
      .addOption(splitOption('test'))
      .option('-n, --count <n>', 'number of images (1-2500)', integerArg(1, 2500), 100)
      .option(
        '--seed <n>',
        'pick a seeded random sample instead of the first images',
        integerArg(0, 0xffffffff),
      )
      .option('-c, --class <name|id>', 'only this class (name, e.g. "Sneaker", or id)')
      .option('--scale <k>', 'pixels per image pixel (1-16)', integerArg(1, 16), 3)
      .option('--columns <n>', 'images per row (default: a square grid)', integerArg(1, 2500))
      .option('--force', 'replace the file if it exists (only once the new one is complete)'),
  run: (options: PreviewOptions, ctx) => preview(options, ctx),
});

/** A grid over {@link PREVIEW_LIMITS} is a usage error that says what to lower. */
function checkLimits(layout: GridLayout): void {
  const { side, pixels } = PREVIEW_LIMITS;
  if (layout.width > side || layout.height > side || layout.width * layout.height > pixels) {
    throw new CliError(
      ExitCode.USAGE,
      `The grid would be ${layout.width} x ${layout.height} pixels; the limit is ${side} per side and ${pixels / (1024 * 1024)} Mi pixels in all: lower --count, --scale or change --columns.`,
    );
  }
}

async function preview(options: PreviewOptions, ctx: CommandContext): Promise<ExitCodeValue> {
  const target = resolveTarget(options, ctx);
  const classId =
    options.class === undefined ? undefined : resolveClass(target.descriptor, options.class);
  const out = path.resolve(options.out);
  await refuseExisting([out], options.force === true);
  const loaded = await loadSplit(target, options.split, ctx);
  const { split } = loaded;
  let pool: number[] = [];
  if (classId === undefined) {
    pool = Array.from({ length: split.count }, (_, i) => i);
  } else {
    for (let i = 0; i < split.count; i++) if (split.labels[i] === classId) pool.push(i);
  }
  if (pool.length === 0) {
    throw new CliError(ExitCode.DATA, `The ${options.split} split has no images to preview.`);
  }
  let chosen: number[];
  if (options.seed === undefined) {
    chosen = pool.slice(0, options.count);
  } else {
    const order = shuffledIndices(pool.length, options.seed);
    chosen = Array.from(order.subarray(0, Math.min(options.count, pool.length)), (k) => pool[k]);
  }
  const layout = layoutFor(split, chosen, options.scale, options.columns);
  checkLimits(layout);
  await refuseInputs([out], [loaded.images.path, loaded.labels.path]);
  await makeOutputDir(path.dirname(out));
  await writeOutputFile(
    out,
    (output) =>
      writeRgbPng(
        output,
        layout.width,
        layout.height,
        (y0, rgba) => renderBand(split, chosen, layout, options.scale, y0, rgba),
        ctx.signal,
      ),
    { force: options.force === true, signal: ctx.signal },
  );
  const what = classId === undefined ? '' : ` of class ${target.descriptor.classNames[classId]}`;
  ctx.stdout.write(
    `Wrote ${out}: ${chosen.length} ${options.split} images${what} in a ${layout.columns} x ${layout.rows} grid, ${layout.width} x ${layout.height} pixels.\n`,
  );
  if (chosen.length < options.count) {
    ctx.stderr.write(
      `Only ${chosen.length} images matched, fewer than the ${options.count} asked for.\n`,
    );
  }
  return ExitCode.OK;
}
