// Loading one split for the read-only commands: found and decoded by core, never downloaded.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { type DatasetSplit, isFmnistError, loadDataset, type Split } from '@fmnist/core/node';
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
 * Loads one split from disk. Both files are located first (missing: exit 3 naming the places
 * looked in), then core's loadDataset reads, verifies and decodes them from their folder (a named
 * data directory is strict in core: it never falls back to downloading). A corrupt file is
 * exit 3 with a sentence naming its path.
 */
export async function loadSplit(
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
