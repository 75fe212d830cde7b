// `fmnist download`: fetch a dataset's four files into the cache or a folder, checking each sha256; or take them from a local folder.
import path from 'node:path';
import {
  cacheKey,
  type DatasetFile,
  downloadFile,
  expectedChecksum,
  fsCache,
  hasCredentials,
  isFmnistError,
  localFileNames,
  redactUrl,
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
  /** `--deadline`: seconds the whole command may take. */
  deadline: number;
  /** `--from`: a local folder to copy the (verified) files from, instead of the network. */
  from?: string;
}

function mirrorArg(value: string, previous: string[] = []): string[] {
  // Commander echoes a refused value: one with credentials is refused later, redacted.
  if (hasCredentials(value)) return [...previous, value];
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

/** The usage error for a `--mirror` with credentials, naming it only with them replaced. */
function checkMirrorArgs(mirrors: readonly string[]): void {
  for (const value of mirrors) {
    if (hasCredentials(value)) {
      throw new CliError(
        ExitCode.USAGE,
        `--mirror ${redactUrl(value)} has credentials in it (user:password@), which fmnist refuses; use a URL without them.`,
      );
    }
  }
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
    'download the four files into the cache (<cache-dir>/<dataset>/), or into --data-dir DIR when given, checking each sha256; ' +
    'files already valid in $FMNIST_DATA_DIR ($FMNIST_MNIST_DIR for mnist) are used as they are; --from DIR copies them from a local folder instead of the network',
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
      )
      .option(
        '--deadline <seconds>',
        'give up when the whole download takes longer than this',
        secondsArg,
        600,
      )
      .option(
        '--from <dir>',
        'copy the files from this local folder (the published .gz files) instead of downloading; each sha256 is checked',
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
  checkMirrorArgs(options.mirror ?? []);
  if (options.from !== undefined && options.mirror?.length) {
    throw new CliError(
      ExitCode.USAGE,
      '--from and --mirror exclude each other: --from never uses the network.',
    );
  }
  // A valid copy in the environment's data folder is what loadDataset reads: nothing to fetch.
  const env =
    options.dataDir === undefined && !options.force
      ? resolveTarget({ ...options, dataDir: undefined }, ctx)
      : undefined;
  const envDir = env?.dataDir;
  const deadlineAt = performance.now() + options.deadline * 1000;
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
  const places = new Set<string>();
  try {
    for (const file of files) {
      current = file;
      if (ctx.signal.aborted) break;
      if (envDir !== undefined) {
        const found = await validCopyIn(file, envDir);
        if (found) {
          display.cached(file, found, env?.dataDirSource);
          places.add(envDir);
          continue;
        }
      }
      if (!options.force) {
        const existing = await cachedCopy(file, pathOf(file));
        if (existing) {
          display.cached(file, pathOf(file));
          places.add(folder);
          continue;
        }
      }
      const bytes =
        options.from !== undefined
          ? await copyFrom(file, path.resolve(options.from), descriptor.title)
          : await downloadFile(file, {
              mirrors,
              retries: options.retries,
              timeoutMs: Math.round(options.timeout * 1000),
              retryDelayMs: options.retryDelay,
              deadlineMs: Math.max(1, Math.round(deadlineAt - performance.now())),
              signal: ctx.signal,
              allowInsecure: descriptor.allowInsecureMirrors === true,
              onProgress: (p) => display.progress(p),
            });
      // Only verified bytes are stored, and both stores rename a complete temp file into place,
      // so an interrupted download never leaves a file under the final name.
      await store(file, bytes);
      places.add(folder);
      display.done(file, pathOf(file), bytes.length);
    }
  } catch (error) {
    if (current) display.failed(current, ctx.signal.aborted ? 'interrupted' : 'failed');
    display.stop();
    throw downloadError(error, current, options.deadline);
  }
  display.stop();
  if (ctx.signal.aborted) {
    throw new CliError(ExitCode.INTERRUPTED, 'Download interrupted.');
  }
  const where = [...places];
  const envNote =
    envDir !== undefined && places.has(envDir)
      ? ` (${env?.dataDirSource} is used as it is; nothing was downloaded for the files there)`
      : '';
  ctx.stdout.write(
    `All ${files.length} files of ${descriptor.title} are in ${where.join(' and ')}${envNote}.\n`,
  );
  return ExitCode.OK;
}

/** The path of a valid copy of `file` in `dir` (published or unpacked), if there is one. */
async function validCopyIn(file: DatasetFile, dir: string): Promise<string | undefined> {
  for (const name of localFileNames(file)) {
    const candidate = path.join(dir, name);
    if (await cachedCopy(file, candidate)) return candidate;
  }
  return undefined;
}

/**
 * The published bytes of `file` from the folder `dir`, checked against its sha256: exit 3 naming
 * the file when it is missing or wrong. Only the `.gz` as published can fill the cache (the
 * loader checks cached files against that sha256); an unpacked copy is pointed elsewhere.
 */
async function copyFrom(file: DatasetFile, dir: string, title: string): Promise<Uint8Array> {
  const source = path.join(dir, file.name);
  let read: { bytes: Uint8Array; sha256: string };
  try {
    read = await hashFile(source);
  } catch {
    const [, unpacked] = localFileNames(file);
    const hint =
      unpacked !== undefined && (await cachedCopy(file, path.join(dir, unpacked)))
        ? ` It holds the unpacked ${unpacked}, which cannot fill the cache: use it as it is with FMNIST_DATA_DIR=${dir} (or --data-dir ${dir}).`
        : '';
    throw new CliError(ExitCode.DATA, `--from ${dir} has no ${file.name}.${hint}`);
  }
  if (file.sha256 ? read.sha256 !== file.sha256 : read.bytes.length !== file.bytes) {
    throw new CliError(
      ExitCode.DATA,
      `${source} is not ${title}'s ${file.name}: its sha256 is ${read.sha256}, expected ${file.sha256 ?? `${file.bytes} bytes`}.`,
    );
  }
  return read.bytes;
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

/** The way forward printed with every failed download. */
const WHAT_TO_DO =
  'If you have the files: FMNIST_DATA_DIR=/path/to/files uses them as they are, or `fmnist download --from DIR` copies them into the cache.';

/** Turns a core download error into the one sentence the CLI prints, with exit code 4 or 130. */
function downloadError(
  error: unknown,
  file: DatasetFile | undefined,
  deadlineSeconds: number,
): unknown {
  if (isFmnistError(error, 'ABORTED')) {
    return new CliError(
      ExitCode.INTERRUPTED,
      `Download of ${file?.name ?? 'the dataset'} interrupted; no partial file was kept.`,
      { cause: error },
    );
  }
  if (isFmnistError(error, 'TIMEOUT') && error.details.deadlineMs !== undefined) {
    return new CliError(
      ExitCode.DOWNLOAD,
      `Gave up on ${file?.name ?? 'the download'}: the whole download took longer than --deadline ${deadlineSeconds} s allows. ${WHAT_TO_DO}`,
      { cause: error },
    );
  }
  if (
    isFmnistError(error) &&
    ['DOWNLOAD_FAILED', 'CHECKSUM_MISMATCH', 'TIMEOUT', 'NOT_FOUND'].includes(error.code)
  ) {
    const attempts =
      (error.details.attempts as { url: string; reason: string }[] | undefined) ?? [];
    // Each mirror once, with its last error.
    const last = new Map<string, string>();
    for (const a of attempts) last.set(a.url, a.reason.split('\n')[0]);
    const wrong =
      error.code === 'CHECKSUM_MISMATCH' ? ' (a mirror sent a file with the wrong sha256)' : '';
    const tried = attempts.length > 0 ? ` after ${attempts.length} attempt(s)${wrong}` : wrong;
    const reasons =
      last.size > 0
        ? `: ${[...last].map(([url, reason]) => (reason.includes(url) ? reason : `${url}: ${reason}`)).join(' ')}`
        : `: ${error.message.split('\n')[0]}`;
    return new CliError(
      ExitCode.DOWNLOAD,
      `Could not download ${file?.name ?? 'a file'}${tried}${reasons} ${WHAT_TO_DO}`,
      { cause: error },
    );
  }
  return error;
}
