// `fmnist export`: a split written as PNG files, CSV, NumPy .npy or uncompressed IDX.
import path from 'node:path';
import { type DatasetSplit, type Split, serializeIdx, splitFiles, subset } from '@fmnist/core/node';
import { Option } from 'commander';
import { sanitizeClassName } from './classes.ts';
import { defineCommand } from './command.ts';
import type { CommandContext } from './context.ts';
import { ExitCode, throwIfInterrupted } from './errors.ts';
import { loadSplit } from './load.ts';
import { npyHeader } from './npy.ts';
import { type CommonOptions, integerArg, splitOption } from './options.ts';
import { makeOutputDir, PendingFolder, writeFlushed, writeOutputFile } from './outputFiles.ts';
import { refuseExisting, refuseInputs } from './outputTargets.ts';
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
  /** `--force`: replace existing outputs (each only once its replacement is complete). */
  force?: boolean;
}

/** How many PNG files are being encoded and written at once. */
const PNG_CONCURRENCY = 16;
/** Rows per CSV write. */
const CSV_ROWS_PER_CHUNK = 500;

/** What one split's export writes: its final names, and how to write them. */
interface SplitOutputs {
  /** Files (or for PNG, the one folder) the split ends up as. */
  outputs: string[];
  /** Writes them (each under a temporary name first) and returns the summary line. */
  write: (split: DatasetSplit) => Promise<string>;
}

interface WriteContext {
  out: string;
  target: DataTarget;
  force: boolean;
  ctx: CommandContext;
}

/** `<out>/<split>/<class>/<index>.png`, one grayscale PNG per image, as one folder. */
function pngOutputs(name: Split, { out, force, ctx }: WriteContext): SplitOutputs {
  const root = path.join(out, name);
  return {
    outputs: [root],
    write: async (split) => {
      const [h, w] = split.imageShape;
      // The folder is built under a temporary name and renamed into place when every file in it
      // is written and flushed: an interrupted export leaves no folder that looks complete.
      const folder = await PendingFolder.open(root);
      try {
        const dirs = split.classNames.map((c) => path.join(folder.tmp, sanitizeClassName(c)));
        const used = new Set<number>();
        for (let i = 0; i < split.count; i++) used.add(split.labels[i]);
        for (const label of used) await makeOutputDir(dirs[label]);
        let next = 0;
        const worker = async () => {
          for (;;) {
            throwIfInterrupted(ctx.signal, 'Export');
            const i = next++;
            if (i >= split.count) return;
            const png = encodeGrayPng(w, h, split.images.subarray(i * h * w, (i + 1) * h * w));
            await writeFlushed(path.join(dirs[split.labels[i]], `${i}.png`), png);
          }
        };
        await Promise.all(Array.from({ length: PNG_CONCURRENCY }, worker));
        throwIfInterrupted(ctx.signal, 'Export');
      } catch (error) {
        await folder.discard();
        throw error;
      }
      await folder.commit(force);
      return `${split.count} PNG files under ${root}${path.sep}<class>${path.sep}`;
    },
  };
}

/** `<out>/<split>.csv` with a `label,pixel0,...` header and one row per image. */
function csvOutputs(name: Split, { out, force, ctx }: WriteContext): SplitOutputs {
  const file = path.join(out, `${name}.csv`);
  return {
    outputs: [file],
    write: async (split) => {
      const [h, w] = split.imageShape;
      const size = h * w;
      const header = ['label', ...Array.from({ length: size }, (_, i) => `pixel${i}`)].join(',');
      const numbers = Array.from({ length: 256 }, (_, i) => String(i));
      await writeOutputFile(
        file,
        async (output) => {
          await output.write(`${header}\n`);
          const row = new Array<string>(size + 1);
          for (let start = 0; start < split.count; start += CSV_ROWS_PER_CHUNK) {
            throwIfInterrupted(ctx.signal, 'Export');
            let chunk = '';
            for (let i = start; i < Math.min(split.count, start + CSV_ROWS_PER_CHUNK); i++) {
              row[0] = numbers[split.labels[i]];
              const base = i * size;
              for (let p = 0; p < size; p++) row[p + 1] = numbers[split.images[base + p]];
              chunk += `${row.join(',')}\n`;
            }
            await output.write(chunk);
          }
        },
        { force, signal: ctx.signal },
      );
      return `${split.count} rows to ${file}`;
    },
  };
}

/** `<out>/<split>-images.npy` (N x H x W uint8) and `<out>/<split>-labels.npy` (N uint8). */
function npyOutputs(name: Split, { out, force, ctx }: WriteContext): SplitOutputs {
  const images = path.join(out, `${name}-images.npy`);
  const labels = path.join(out, `${name}-labels.npy`);
  const writeNpy = (file: string, shape: number[], data: Uint8Array) =>
    writeOutputFile(
      file,
      async (output) => {
        await output.write(npyHeader(shape));
        await output.write(data);
      },
      { force, signal: ctx.signal },
    );
  return {
    outputs: [images, labels],
    write: async (split) => {
      const [h, w] = split.imageShape;
      await writeNpy(images, [split.count, h, w], split.images);
      await writeNpy(labels, [split.count], split.labels);
      return `${images} (${split.count} x ${h} x ${w} uint8) and ${labels} (${split.count} uint8)`;
    },
  };
}

/** The published file names without `.gz`, as plain uncompressed IDX. */
function idxOutputs(name: Split, { out, target, force, ctx }: WriteContext): SplitOutputs {
  const [imagesFile, labelsFile] = splitFiles(target.descriptor, name);
  const strip = (file: string) => file.replace(/\.gz$/, '');
  const images = path.join(out, strip(imagesFile.name));
  const labels = path.join(out, strip(labelsFile.name));
  const options = { force, signal: ctx.signal };
  return {
    outputs: [images, labels],
    write: async (split) => {
      const [h, w] = split.imageShape;
      const idx = (shape: number[], data: Uint8Array) =>
        serializeIdx({ type: 'uint8', shape, data });
      await writeOutputFile(
        images,
        (output) => output.write(idx([split.count, h, w], split.images)),
        options,
      );
      await writeOutputFile(
        labels,
        (output) => output.write(idx([split.count], split.labels)),
        options,
      );
      return `${images} and ${labels}`;
    },
  };
}

const FORMATS: Record<ExportFormat, (name: Split, how: WriteContext) => SplitOutputs> = {
  png: pngOutputs,
  csv: csvOutputs,
  npy: npyOutputs,
  idx: idxOutputs,
};

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
      .option('-l, --limit <n>', 'only the first N images of each split', integerArg(0))
      .option(
        '--force',
        'replace outputs that already exist (only once the new ones are complete)',
      ),
  run: async (options: ExportOptions, ctx) => {
    const target = resolveTarget(options, ctx);
    const out = path.resolve(options.out);
    const how: WriteContext = { out, target, force: options.force === true, ctx };
    const names: Split[] = options.split ? [options.split] : ['train', 'test'];
    const plans = names.map((name) => ({ name, ...FORMATS[options.format](name, how) }));
    // Refused before anything is loaded or written; each commit checks again atomically.
    await refuseExisting(
      plans.flatMap((p) => p.outputs),
      how.force,
    );
    await makeOutputDir(out);
    for (const plan of plans) {
      throwIfInterrupted(ctx.signal, 'Export');
      const loaded = await loadSplit(target, plan.name, ctx);
      await refuseInputs(plan.outputs, [loaded.images.path, loaded.labels.path]);
      let { split } = loaded;
      if (options.limit !== undefined && options.limit < split.count)
        split = subset(split, { count: options.limit });
      ctx.stdout.write(`${plan.name}: wrote ${await plan.write(split)}\n`);
    }
    return ExitCode.OK;
  },
});
