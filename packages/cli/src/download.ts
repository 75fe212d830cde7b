// `fmnist download`: fetch a dataset's four files into the cache or a folder, checking each sha256.
import path from 'node:path';
import {
  cacheKey,
  type DatasetFile,
  downloadFile,
  expectedChecksum,
  fsCache,
  isFmnistError,
  splitFiles,
} from '@fmnist/core/node';
import { InvalidArgumentError } from 'commander';
import { hashFile } from './checksums.ts';
import { defineCommand } from './command.ts';
import type { CommandContext } from './context.ts';
import { barDisplay, lineDisplay } from './downloadProgress.ts';
import { CliError, ExitCode, type ExitCodeValue } from './errors.ts';
import { cacheFolder } from './locate.ts';
import { type CommonOptions, integerArg } from './options.ts';
import { writeAtomically } from './outputFiles.ts';
import { resolveTarget } from './target.ts';

/** Options of `fmnist download`. */
export interface DownloadCommandOptions extends CommonOptions {
  /** `--mirror`: base URLs tried in order instead of the dataset's mirrors. */
  mirror: string[];
  /** `--force`: download even when a valid copy is already there. */
  force?: boolean;
  /** `--timeout`: seconds without data before a request is given up. */
  timeout: number;
  /** `--retries`: extra attempts per mirror after a transient failure. */
  retries: number;
  /** `--retry-delay`: base of the exponential backoff, in milliseconds. */
  retryDelay: number;
}

function mirrorArg(value: string, previous: string[] = []): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('Expected an http:// or https:// URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError('Expected an http:// or https:// URL.');
  }
  return [...previous, value];
}

function secondsArg(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 86_400) {
    throw new InvalidArgumentError('Expected a number of seconds above 0.');
  }
  return n;
}

/** `fmnist download`: fetch the four files into the cache. */
export const downloadCommand = defineCommand({
  name: 'download',
  description:
    'download the four files into the cache (<cache-dir>/<dataset>/) or --data-dir, checking each sha256',
  configure: (command) =>
    command
      .option(
        '-m, --mirror <url>',
        "mirror base URL, tried in the order given instead of the dataset's mirrors (repeatable)",
        mirrorArg,
      )
      .option('-f, --force', 'download again even when the cache already holds a valid copy')
      .option(
        '--timeout <seconds>',
        'give up on a request after this many seconds without data',
        secondsArg,
        30,
      )
      .option(
        '--retries <n>',
        'extra attempts per mirror after a transient failure',
        integerArg(0, 20),
        2,
      )
      .option(
        '--retry-delay <ms>',
        'base delay of the exponential backoff between retries',
        integerArg(0, 60_000),
        500,
      ),
  run: (options: DownloadCommandOptions, ctx) => download(options, ctx),
});

async function download(
  options: DownloadCommandOptions,
  ctx: CommandContext,
): Promise<ExitCodeValue> {
  // --data-dir names where to put the files; the environment's data folders are only read from.
  const target = resolveTarget(options, ctx, { dataDirMustExist: false, dataDirFromEnv: false });
  const { descriptor } = target;
  const folder = target.dataDir ?? cacheFolder(target);
  const cache = fsCache(target.cacheDir);
  const store = (file: DatasetFile, bytes: Uint8Array) =>
    target.dataDir === undefined
      ? cache.set(cacheKey(descriptor.id, file.name), bytes)
      : writeAtomically(path.join(folder, file.name), bytes);
  const files = [...splitFiles(descriptor, 'train'), ...splitFiles(descriptor, 'test')];
  const mirrors = options.mirror?.length ? options.mirror : descriptor.mirrors;
  const display = ctx.stdout.isTTY ? barDisplay(files, ctx) : lineDisplay(ctx);
  const pathOf = (file: DatasetFile) => path.join(folder, file.name);
  let current: DatasetFile | undefined;
  try {
    for (const file of files) {
      current = file;
      if (ctx.signal.aborted) break;
      if (!options.force) {
        const existing = await cachedCopy(file, pathOf(file));
        if (existing) {
          display.cached(file, pathOf(file));
          continue;
        }
      }
      const bytes = await downloadFile(file, {
        mirrors,
        retries: options.retries,
        timeoutMs: Math.round(options.timeout * 1000),
        retryDelayMs: options.retryDelay,
        signal: ctx.signal,
        allowInsecure: descriptor.allowInsecureMirrors === true,
        onProgress: (p) => display.progress(p),
      });
      // Only verified bytes are stored, and both stores rename a complete temp file into place,
      // so an interrupted download never leaves a file under the final name.
      await store(file, bytes);
      display.done(file, pathOf(file), bytes.length);
    }
  } catch (error) {
    if (current) display.failed(current, ctx.signal.aborted ? 'interrupted' : 'failed');
    display.stop();
    throw downloadError(error, current);
  }
  display.stop();
  if (ctx.signal.aborted) {
    throw new CliError(ExitCode.INTERRUPTED, 'Download interrupted.');
  }
  ctx.stdout.write(`All ${files.length} files of ${descriptor.title} are in ${folder}.\n`);
  return ExitCode.OK;
}

async function cachedCopy(file: DatasetFile, path: string): Promise<boolean> {
  try {
    const { bytes, sha256 } = await hashFile(path);
    return (
      sha256 === expectedChecksum(file, bytes).sha256 ||
      (!file.sha256 && bytes.length === file.bytes)
    );
  } catch {
    return false;
  }
}

/** Turns a core download error into the one sentence the CLI prints, with exit code 4 or 130. */
function downloadError(error: unknown, file: DatasetFile | undefined): unknown {
  if (isFmnistError(error, 'ABORTED')) {
    return new CliError(
      ExitCode.INTERRUPTED,
      `Download of ${file?.name ?? 'the dataset'} interrupted; no partial file was kept.`,
      { cause: error },
    );
  }
  if (
    isFmnistError(error) &&
    ['DOWNLOAD_FAILED', 'CHECKSUM_MISMATCH', 'TIMEOUT', 'NOT_FOUND'].includes(error.code)
  ) {
    const attempts =
      (error.details.attempts as { url: string; reason: string }[] | undefined) ?? [];
    const last = attempts.at(-1);
    const wrong =
      error.code === 'CHECKSUM_MISMATCH' ? ' (a mirror sent a file with the wrong sha256)' : '';
    const tried = attempts.length > 0 ? ` after ${attempts.length} attempt(s)${wrong}` : wrong;
    const reason = last
      ? `; last error: ${last.reason.split('\n')[0]}`
      : `: ${error.message.split('\n')[0]}`;
    return new CliError(
      ExitCode.DOWNLOAD,
      `Could not download ${file?.name ?? 'a file'}${tried}${reason}`,
      { cause: error },
    );
  }
  return error;
}
