// `fmnist export`: a split written as PNG files, CSV, NumPy .npy or uncompressed IDX.
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { type DatasetSplit, type Split, serializeIdx, splitFiles, subset } from '@fmnist/core/node';
import { Option } from 'commander';
import { sanitizeClassName } from './classes.ts';
import { defineCommand } from './command.ts';
import type { CommandContext } from './context.ts';
import { CliError, ExitCode } from './errors.ts';
import { loadSplit } from './load.ts';
import { npyHeader } from './npy.ts';
import { type CommonOptions, integerArg, splitOption } from './options.ts';
import { makeOutputDir, writeFailure, writeOutput } from './outputFiles.ts';
import { encodeGrayPng } from './png.ts';
import { type DataTarget, resolveTarget } from './target.ts';

/** Formats `fmnist export` writes. */
export type ExportFormat = 'png' | 'csv' | 'npy' | 'idx';

/** Options of `fmnist export`. */
export interface ExportOptions extends CommonOptions {
  format: ExportFormat;
  out: string;
  split?: Split;
  limit?: number;
}

/** How many PNG files are being encoded and written at once. */
const PNG_CONCURRENCY = 16;
/** Rows per CSV write. */
const CSV_ROWS_PER_CHUNK = 500;

function aborted(ctx: CommandContext): void {
  if (ctx.signal.aborted) throw new CliError(ExitCode.INTERRUPTED, 'Export interrupted.');
}

/** `<out>/<split>/<class>/<index>.png`, one grayscale PNG per image. */
async function exportPng(split: DatasetSplit, out: string, ctx: CommandContext): Promise<string> {
  const [h, w] = split.imageShape;
  const root = path.join(out, split.split);
  const folders = split.classNames.map((name) => path.join(root, sanitizeClassName(name)));
  const used = new Set<number>();
  for (let i = 0; i < split.count; i++) used.add(split.labels[i]);
  for (const label of used) await makeOutputDir(folders[label]);
  let next = 0;
  const worker = async () => {
    for (;;) {
      aborted(ctx);
      const i = next++;
      if (i >= split.count) return;
      const png = encodeGrayPng(w, h, split.images.subarray(i * h * w, (i + 1) * h * w));
      await writeOutput(path.join(folders[split.labels[i]], `${i}.png`), png);
    }
  };
  await Promise.all(Array.from({ length: PNG_CONCURRENCY }, worker));
  return `${split.count} PNG files under ${root}${path.sep}<class>${path.sep}`;
}

/** `<out>/<split>.csv` with a `label,pixel0,...` header and one row per image. */
async function exportCsv(split: DatasetSplit, out: string, ctx: CommandContext): Promise<string> {
  const [h, w] = split.imageShape;
  const size = h * w;
  const file = path.join(out, `${split.split}.csv`);
  const header = ['label', ...Array.from({ length: size }, (_, i) => `pixel${i}`)].join(',');
  const numbers = Array.from({ length: 256 }, (_, i) => String(i));
  const stream = createWriteStream(file);
  const failed = new Promise<never>((_, reject) => {
    stream.on('error', (error) => reject(writeFailure(file, error)));
  });
  const write = (text: string) =>
    Promise.race([
      failed,
      new Promise<void>((resolve) => {
        if (stream.write(text)) resolve();
        else stream.once('drain', resolve);
      }),
    ]);
  try {
    await write(`${header}\n`);
    const row = new Array<string>(size + 1);
    for (let start = 0; start < split.count; start += CSV_ROWS_PER_CHUNK) {
      aborted(ctx);
      let chunk = '';
      for (let i = start; i < Math.min(split.count, start + CSV_ROWS_PER_CHUNK); i++) {
        row[0] = numbers[split.labels[i]];
        const base = i * size;
        for (let p = 0; p < size; p++) row[p + 1] = numbers[split.images[base + p]];
        chunk += `${row.join(',')}\n`;
      }
      await write(chunk);
    }
  } finally {
    await Promise.race([failed, new Promise<void>((resolve) => stream.end(resolve))]).catch(
      () => undefined,
    );
  }
  await Promise.race([failed, Promise.resolve()]);
  return `${split.count} rows to ${file}`;
}

async function writeNpy(file: string, shape: number[], data: Uint8Array): Promise<void> {
  try {
    const handle = await open(file, 'w');
    try {
      await handle.write(npyHeader(shape));
      await handle.write(data);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw writeFailure(file, error);
  }
}

/** `<out>/<split>-images.npy` (N x H x W uint8) and `<out>/<split>-labels.npy` (N uint8). */
async function exportNpy(split: DatasetSplit, out: string): Promise<string> {
  const [h, w] = split.imageShape;
  const images = path.join(out, `${split.split}-images.npy`);
  const labels = path.join(out, `${split.split}-labels.npy`);
  await writeNpy(images, [split.count, h, w], split.images);
  await writeNpy(labels, [split.count], split.labels);
  return `${images} (${split.count} x ${h} x ${w} uint8) and ${labels} (${split.count} uint8)`;
}

/** The published file names without `.gz`, as plain uncompressed IDX. */
async function exportIdx(split: DatasetSplit, out: string, target: DataTarget): Promise<string> {
  const [h, w] = split.imageShape;
  const [imagesFile, labelsFile] = splitFiles(target.descriptor, split.split);
  const strip = (name: string) => name.replace(/\.gz$/, '');
  const images = path.join(out, strip(imagesFile.name));
  const labels = path.join(out, strip(labelsFile.name));
  await writeOutput(
    images,
    serializeIdx({ type: 'uint8', shape: [split.count, h, w], data: split.images }),
  );
  await writeOutput(
    labels,
    serializeIdx({ type: 'uint8', shape: [split.count], data: split.labels }),
  );
  return `${images} and ${labels}`;
}

/** `fmnist export`: the data as PNG files, CSV, NumPy .npy or uncompressed IDX. */
export const exportCommand = defineCommand({
  name: 'export',
  description:
    'write the data as PNGs (<split>/<class>/<index>.png), CSV, NumPy .npy or uncompressed IDX',
  configure: (command) =>
    command
      .addOption(
        new Option('-f, --format <format>', 'output format')
          .choices(['png', 'csv', 'npy', 'idx'])
          .makeOptionMandatory(),
      )
      .requiredOption('-o, --out <dir>', 'output folder (created if missing)')
      .addOption(splitOption().default(undefined, 'both'))
      .option('-l, --limit <n>', 'only the first N images of each split', integerArg(0)),
  run: async (options: ExportOptions, ctx) => {
    const target = resolveTarget(options, ctx);
    const out = path.resolve(options.out);
    await makeOutputDir(out);
    const splits: Split[] = options.split ? [options.split] : ['train', 'test'];
    for (const name of splits) {
      aborted(ctx);
      let { split } = await loadSplit(target, name, ctx);
      if (options.limit !== undefined && options.limit < split.count)
        split = subset(split, { count: options.limit });
      let summary: string;
      switch (options.format) {
        case 'png':
          summary = await exportPng(split, out, ctx);
          break;
        case 'csv':
          summary = await exportCsv(split, out, ctx);
          break;
        case 'npy':
          summary = await exportNpy(split, out);
          break;
        case 'idx':
          summary = await exportIdx(split, out, target);
          break;
      }
      ctx.stdout.write(`${name}: wrote ${summary}\n`);
    }
    return ExitCode.OK;
  },
});
