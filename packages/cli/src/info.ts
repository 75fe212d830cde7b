// `fmnist info`: counts, class balance, pixel statistics, paths and checksums of both splits.
import { expectedChecksum, isGzip, type Split } from '@fmnist/core/node';
import { hashFile } from './checksums.ts';
import { defineCommand } from './command.ts';
import type { CommandContext } from './context.ts';
import { ExitCode } from './errors.ts';
import { type LoadedSplit, loadSplit } from './load.ts';
import type { FoundFile } from './locate.ts';
import type { CommonOptions } from './options.ts';
import { type DataTarget, resolveTarget } from './target.ts';

/** Statistics of one file as in `fmnist info --json`. */
export interface FileInfo {
  /** Absolute path. */
  path: string;
  /** sha256 of the file on disk. */
  sha256: string;
  /** sha256 the descriptor promises (for the `.gz`, or for an unpacked copy its raw sha256). */
  expectedSha256?: string;
  /** Whether the file is the published `.gz` (true) or an unpacked copy. */
  compressed: boolean;
}

/** Statistics of one split as in `fmnist info --json`. */
export interface SplitInfo {
  /** Number of images. */
  count: number;
  /** Images per class, indexed by label. */
  perClass: number[];
  /** Mean pixel value scaled to [0, 1]. */
  mean: number;
  /** Standard deviation of the pixel values scaled to [0, 1] (population, not sample). */
  std: number;
  /** The two files read. */
  files: { images: FileInfo; labels: FileInfo };
}

/** The whole `fmnist info --json` document. */
export interface DatasetInfo {
  /** Dataset id. */
  dataset: string;
  /** Human-readable name. */
  title: string;
  /** Class names in label order. */
  classNames: string[];
  /** [height, width] of one image. */
  imageShape: [number, number];
  /** Training split. */
  train: SplitInfo;
  /** Test split. */
  test: SplitInfo;
}

/**
 * Count, per-class counts and pixel mean/std of a split. The mean and std come from a 256-bin
 * histogram, so they are exact (no float accumulation over 47 million pixels).
 */
export async function splitStats(loaded: LoadedSplit, signal?: AbortSignal): Promise<SplitInfo> {
  const { split } = loaded;
  const perClass = new Array<number>(split.classNames.length).fill(0);
  for (let i = 0; i < split.count; i++) perClass[split.labels[i]]++;
  const histogram = new Float64Array(256);
  const pixels = split.images;
  for (let i = 0; i < pixels.length; i++) histogram[pixels[i]]++;
  let sum = 0;
  for (let v = 0; v < 256; v++) sum += histogram[v] * v;
  const n = pixels.length;
  const meanRaw = n > 0 ? sum / n : 0;
  let squares = 0;
  for (let v = 0; v < 256; v++) squares += histogram[v] * (v - meanRaw) ** 2;
  const stdRaw = n > 0 ? Math.sqrt(squares / n) : 0;
  const file = async (f: FoundFile): Promise<FileInfo> => {
    const { bytes, sha256 } = await hashFile(f.path, signal);
    const expected = expectedChecksum(f.file, bytes).sha256;
    return {
      path: f.path,
      sha256,
      ...(expected === undefined ? {} : { expectedSha256: expected }),
      compressed: isGzip(bytes),
    };
  };
  return {
    count: split.count,
    perClass,
    mean: meanRaw / 255,
    std: stdRaw / 255,
    files: { images: await file(loaded.images), labels: await file(loaded.labels) },
  };
}

/** `fmnist info`: counts, class balance, pixel statistics, paths and checksums of both splits. */
export const infoCommand = defineCommand({
  name: 'info',
  description: 'per split: image count, images per class, pixel mean/std, file paths and sha256',
  configure: (command) => command.option('--json', 'print a JSON document instead of a table'),
  run: async (options: CommonOptions & { json?: boolean }, ctx) => {
    const info = await datasetInfo(resolveTarget(options, ctx), ctx);
    ctx.stdout.write(options.json ? `${JSON.stringify(info, null, 2)}\n` : formatInfo(info));
    return ExitCode.OK;
  },
});

/** Loads both splits and gathers their statistics. */
export async function datasetInfo(target: DataTarget, ctx: CommandContext): Promise<DatasetInfo> {
  const stats = async (split: Split) => splitStats(await loadSplit(target, split, ctx), ctx.signal);
  const { descriptor } = target;
  // One split at a time: the training images alone are 47 MB decoded.
  const train = await stats('train');
  const test = await stats('test');
  return {
    dataset: descriptor.id,
    title: descriptor.title,
    classNames: [...descriptor.classNames],
    imageShape: [descriptor.imageShape[0], descriptor.imageShape[1]],
    train,
    test,
  };
}

function formatInfo(info: DatasetInfo): string {
  const lines: string[] = [];
  lines.push(
    `${info.title} (${info.dataset}): ${info.classNames.length} classes, ${info.imageShape[0]}x${info.imageShape[1]} grayscale images`,
  );
  const nameWidth = Math.max(5, ...info.classNames.map((n) => n.length));
  for (const split of ['train', 'test'] as const) {
    const s = info[split];
    lines.push('');
    lines.push(
      `${split}: ${s.count} images, pixel mean ${s.mean.toFixed(4)}, std ${s.std.toFixed(4)} (scaled to [0, 1])`,
    );
    for (const kind of ['images', 'labels'] as const) {
      const f = s.files[kind];
      const state =
        f.expectedSha256 === undefined
          ? 'unchecked'
          : f.sha256 === f.expectedSha256
            ? 'ok'
            : 'MISMATCH';
      lines.push(`  ${kind.padEnd(7)}${f.path}`);
      lines.push(`         sha256 ${f.sha256} (${state})`);
    }
    lines.push(`  ${'id'.padStart(3)}  ${'class'.padEnd(nameWidth)}  ${'count'.padStart(6)}`);
    s.perClass.forEach((count, id) => {
      lines.push(
        `  ${String(id).padStart(3)}  ${info.classNames[id].padEnd(nameWidth)}  ${String(count).padStart(6)}`,
      );
    });
  }
  return `${lines.join('\n')}\n`;
}
