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
import { writeOutput } from './outputFiles.ts';
import { encodeRgbaPng } from './png.ts';
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

/** Draws the chosen images of `split` with their class names under them into an RGBA buffer. */
export function renderGrid(
  split: DatasetSplit,
  indices: readonly number[],
  scale: number,
  columns?: number,
): { layout: GridLayout; rgba: Uint8Array } {
  const labels = indices.map((i) => split.classNames[split.labels[i]]);
  const layout = gridLayout(indices.length, split.imageShape, scale, labels, columns);
  const { width, height } = layout;
  const rgba = new Uint8Array(width * height * 4);
  for (let o = 0; o < rgba.length; o += 4) {
    rgba[o] = BACKGROUND[0];
    rgba[o + 1] = BACKGROUND[1];
    rgba[o + 2] = BACKGROUND[2];
    rgba[o + 3] = 255;
  }
  const [h, w] = split.imageShape;
  indices.forEach((index, n) => {
    const { imageX, imageY, labelY } = cellOrigin(layout, n);
    const base = index * h * w;
    for (let y = 0; y < layout.imageHeight; y++) {
      const srcRow = base + Math.floor(y / scale) * w;
      let o = ((imageY + y) * width + imageX) * 4;
      for (let x = 0; x < layout.imageWidth; x++, o += 4) {
        const v = split.images[srcRow + Math.floor(x / scale)];
        rgba[o] = v;
        rgba[o + 1] = v;
        rgba[o + 2] = v;
      }
    }
    const label = labels[n];
    const col = n % layout.columns;
    const labelX =
      col * layout.cellWidth +
      Math.floor((layout.cellWidth - textWidth(label, layout.fontScale)) / 2);
    drawText(rgba, width, labelX, labelY, label, TEXT, layout.fontScale);
  });
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
      .option('--columns <n>', 'images per row (default: a square grid)', integerArg(1, 2500)),
  run: (options: PreviewOptions, ctx) => preview(options, ctx),
});

async function preview(options: PreviewOptions, ctx: CommandContext): Promise<ExitCodeValue> {
  const target = resolveTarget(options, ctx);
  const classId =
    options.class === undefined ? undefined : resolveClass(target.descriptor, options.class);
  const { split } = await loadSplit(target, options.split, ctx);
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
  const { layout, rgba } = renderGrid(split, chosen, options.scale, options.columns);
  const out = path.resolve(options.out);
  await writeOutput(out, encodeRgbaPng(layout.width, layout.height, rgba), { parents: true });
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
