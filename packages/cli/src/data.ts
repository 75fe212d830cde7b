// Finding a dataset's files on disk and loading a split from them. Read-only commands (info,
// verify, preview, show, export) never download: they locate the files themselves, so that they
// can say where each file is and what to do when one is missing, and then let core's
// loadDataset verify and decode them from that folder (a named data directory is strict in core:
// it never falls back to downloading).
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  type DatasetFile,
  type DatasetSplit,
  isFmnistError,
  isGzip,
  loadDataset,
  nodePlatform,
  type Platform,
  type Split,
  splitFiles,
} from '@fmnist/core/node';
import type { CommandContext } from './context.ts';
import { CliError, ExitCode } from './errors.ts';
import type { DataTarget } from './options.ts';

let sharedPlatform: Platform | undefined;

/** The node platform (zlib gunzip, node:crypto sha256) without a cache: the CLI manages its own. */
export function platform(): Platform {
  sharedPlatform ??= nodePlatform({ cacheDir: false });
  return sharedPlatform;
}

/** Where one dataset file was found. */
export interface LocatedFile {
  /** The descriptor entry. */
  file: DatasetFile;
  /** Absolute path of the file on disk. */
  path: string;
  /** `data-dir` for a user folder, `cache` for the download cache. */
  origin: 'data-dir' | 'cache';
}

/** Folder in the cache where `fmnist download` keeps a dataset's files (core's fsCache layout). */
export function cacheFolder(target: DataTarget): string {
  return path.join(target.cacheDir, target.descriptor.id);
}

/** The four files of a dataset: train images, train labels, test images, test labels. */
export function allFiles(target: DataTarget): DatasetFile[] {
  const { files } = target.descriptor;
  return [files.trainImages, files.trainLabels, files.testImages, files.testLabels];
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * The sha256 a file's bytes must have: the published `sha256` for gzip content, `rawSha256` for
 * an unpacked copy. Decided by content, as core does, not by the file name.
 */
export function expectedSha256(file: DatasetFile, bytes: Uint8Array): string | undefined {
  return isGzip(bytes) ? file.sha256 : file.rawSha256;
}

/** Reads a file and hashes it. */
export async function hashFile(
  file: string,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; sha256: string }> {
  const bytes = await readFile(file, { signal });
  return { bytes, sha256: await platform().sha256(bytes) };
}

/**
 * Finds a file: in the data directory (the `.gz` or its unpacked copy), then in the download
 * cache. Resolves `undefined` when it is in neither.
 */
export async function locateFile(
  target: DataTarget,
  file: DatasetFile,
): Promise<LocatedFile | undefined> {
  const candidates: LocatedFile[] = [];
  if (target.dataDir !== undefined) {
    const names = [file.name, ...(file.name.endsWith('.gz') ? [file.name.slice(0, -3)] : [])];
    for (const name of names) {
      candidates.push({ file, path: path.join(target.dataDir, name), origin: 'data-dir' });
    }
  }
  candidates.push({ file, path: path.join(cacheFolder(target), file.name), origin: 'cache' });
  for (const candidate of candidates) {
    if (!(await isFile(candidate.path))) continue;
    if (candidate.origin === 'data-dir' && !target.dataDirExplicit) {
      // $FMNIST_DATA_DIR is Fashion-MNIST's folder; for another dataset it is only a guess,
      // used when the file there really is this dataset's (same names, different data).
      const { bytes, sha256 } = await hashFile(candidate.path);
      if (sha256 !== expectedSha256(file, bytes)) continue;
    }
    return candidate;
  }
  return undefined;
}

/** A sentence saying where a missing file was looked for and how to get it. */
export function missingMessage(target: DataTarget, file: DatasetFile): string {
  const cache = `the cache ${cacheFolder(target)}`;
  const where = !target.dataDir
    ? `is not in ${cache}`
    : target.dataDirExplicit
      ? `is neither in ${target.dataDir} (${target.dataDirSource}) nor in ${cache}`
      : `is not in ${cache} (the files in ${target.dataDir} from ${target.dataDirSource} are not ${target.descriptor.title}'s)`;
  const flag = target.descriptor.id === 'fashion-mnist' ? '' : ` --dataset ${target.descriptor.id}`;
  return `${file.name} of ${target.descriptor.title} ${where}; run \`fmnist download${flag}\` or pass --data-dir.`;
}

/** Like {@link locateFile} but a missing file is an error (exit 3). */
export async function requireFile(target: DataTarget, file: DatasetFile): Promise<LocatedFile> {
  const located = await locateFile(target, file);
  if (!located) throw new CliError(ExitCode.DATA, missingMessage(target, file));
  return located;
}

/** A loaded split plus where its two files came from. */
export interface LoadedSplit {
  /** The images and labels. */
  split: DatasetSplit;
  /** Where the images file is. */
  images: LocatedFile;
  /** Where the labels file is. */
  labels: LocatedFile;
}

/**
 * Loads one split from disk. Both files are located first (missing: exit 3 naming the places
 * looked in), then core's loadDataset reads, verifies and decodes them from their folder. A
 * corrupt file is exit 3 with a sentence naming its path.
 */
export async function loadSplit(
  target: DataTarget,
  split: Split,
  ctx: Pick<CommandContext, 'signal'>,
): Promise<LoadedSplit> {
  const [imagesFile, labelsFile] = splitFiles(target.descriptor, split);
  let images = await requireFile(target, imagesFile);
  let labels = await requireFile(target, labelsFile);
  if (images.origin !== labels.origin) {
    // One folder per load: prefer the cache when it holds both, else report what the data
    // directory lacks.
    const cached = (f: DatasetFile): LocatedFile => ({
      file: f,
      path: path.join(cacheFolder(target), f.name),
      origin: 'cache',
    });
    if ((await isFile(cached(imagesFile).path)) && (await isFile(cached(labelsFile).path))) {
      images = cached(imagesFile);
      labels = cached(labelsFile);
    } else {
      const lacking = images.origin === 'cache' ? imagesFile : labelsFile;
      throw new CliError(ExitCode.DATA, missingMessage(target, lacking));
    }
  }
  const dir = path.dirname(images.path);
  try {
    const loaded = await loadDataset({
      dataset: target.descriptor,
      split,
      dataDir: dir,
      cache: false,
      platform: platform(),
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
