// Loading a split or a split string for the read-only commands: found and decoded by core, never downloaded.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  applySplitSpec,
  type DatasetSplit,
  isFmnistError,
  loadDataset,
  parseSplitSpec,
  type Split,
  type SplitSelector,
  splitsOfSpec,
} from '@fmnist/core/node';
import type { CommandContext } from './context.ts';
import { CliError, ExitCode } from './errors.ts';
import { cachePath, type FoundFile, isFound, locateFiles, missingMessage } from './locate.ts';
import type { DataTarget } from './target.ts';

/** A loaded split plus where its two files came from. */
export interface LoadedSplit {
  /** The images and labels. */
  split: DatasetSplit;
  /** Where the images file is. */
  images: FoundFile;
  /** Where the labels file is. */
  labels: FoundFile;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Where a split's two files are, from one folder. A missing file is exit 3 naming the places
 * looked in. When one file is in the data directory and the other only in the cache, both are
 * taken from the cache if it holds both, since core loads a split from one folder.
 */
async function splitFolder(target: DataTarget, split: Split): Promise<[FoundFile, FoundFile]> {
  const located = await locateFiles(target, split);
  for (const file of located) {
    if (!isFound(file)) throw new CliError(ExitCode.DATA, missingMessage(target, file.file));
  }
  let [images, labels] = located as FoundFile[];
  if (images.origin !== labels.origin) {
    const cached = (f: FoundFile): FoundFile => ({
      ...f,
      origin: 'cache',
      path: cachePath(target, f.file),
    });
    if (
      (await isFile(cachePath(target, images.file))) &&
      (await isFile(cachePath(target, labels.file)))
    ) {
      images = cached(images);
      labels = cached(labels);
    } else {
      const lacking = images.origin === 'cache' ? images.file : labels.file;
      throw new CliError(ExitCode.DATA, missingMessage(target, lacking));
    }
  }
  return [images, labels];
}

/**
 * Loads a split (`train`, `test`) or a split string (`train[:10%]`, `train+test`) from disk: each
 * split it reads with {@link loadWholeSplit}, then the string's slices (tfds semantics, core's
 * `applySplitSpec`). `images`/`labels` tell where the first split's files are. A bad string or a
 * boundary outside the split is a usage error (core's INVALID_ARGUMENT).
 */
export async function loadSplit(
  target: DataTarget,
  split: SplitSelector,
  ctx: Pick<CommandContext, 'signal'>,
): Promise<LoadedSplit> {
  if (split === 'train' || split === 'test') return loadWholeSplit(target, split as Split, ctx);
  const spec = parseSplitSpec(split);
  const parts: Partial<Record<Split, DatasetSplit>> = {};
  let first: LoadedSplit | undefined;
  for (const name of splitsOfSpec(spec)) {
    const loaded = await loadWholeSplit(target, name, ctx);
    parts[name] = loaded.split;
    first ??= loaded;
  }
  return { ...first!, split: applySplitSpec(spec, parts) };
}

/**
 * Loads one whole split from disk. Both files are located first (missing: exit 3 naming the places
 * looked in), then core's loadDataset reads, verifies and decodes them from their folder (a named
 * data directory is strict in core: it never falls back to downloading). A corrupt file is
 * exit 3 with a sentence naming its path.
 */
export async function loadWholeSplit(
  target: DataTarget,
  split: Split,
  ctx: Pick<CommandContext, 'signal'>,
): Promise<LoadedSplit> {
  const [images, labels] = await splitFolder(target, split);
  const dir = path.dirname(images.path);
  try {
    const loaded = await loadDataset({
      dataset: target.descriptor,
      split,
      dataDir: dir,
      cache: false,
      signal: ctx.signal,
    });
    return { split: loaded, images, labels };
  } catch (error) {
    if (isFmnistError(error, 'CHECKSUM_MISMATCH')) {
      const d = error.details as { source?: string; actual?: string; expected?: string };
      throw new CliError(
        ExitCode.DATA,
        `${d.source ?? dir} is corrupt or not the file of ${target.descriptor.title} it is named after: its sha256 is ${d.actual}, expected ${d.expected}.`,
        { cause: error },
      );
    }
    if (isFmnistError(error, 'INVALID_GZIP') || isFmnistError(error, 'INVALID_IDX')) {
      throw new CliError(
        ExitCode.DATA,
        `A ${split} file in ${dir} is not a readable IDX file: ${error.message.split('\n')[0]}`,
        { cause: error },
      );
    }
    throw error;
  }
}
