import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import {
  type DatasetFile,
  type DownloadProgress,
  downloadFile,
  fsCache,
  isFmnistError,
} from '@fmnist/core/node';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import type { CommandContext } from './context.ts';
import { allFiles, cacheFolder, expectedSha256, hashFile, platform } from './data.ts';
import { CliError, ExitCode, type ExitCodeValue } from './errors.ts';
import { addCommonOptions, type CommonOptions, integerArg, resolveTarget } from './options.ts';

/** Options of `fmnist download`. */
export interface DownloadCommandOptions extends CommonOptions {
  mirror: string[];
  force?: boolean;
  timeout: number;
  retries: number;
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

/** Human-readable byte count: `26.4 MB`. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  if (n < 1_000_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  return `${(n / 1_000_000_000).toFixed(2)} GB`;
}

/** What a progress display does; a bar per file on terminals, plain lines elsewhere. */
interface Display {
  cached(file: DatasetFile, path: string): void;
  progress(p: DownloadProgress): void;
  done(file: DatasetFile, path: string, bytes: number): void;
  failed(file: DatasetFile, why: string): void;
  stop(): void;
}

/** Speed of the current attempt of each file. */
class Meter {
  private attempt = -1;
  private start = 0;

  /** Bytes per second since the current attempt started. */
  speed(p: DownloadProgress): number {
    if (p.attempt !== this.attempt) {
      this.attempt = p.attempt;
      this.start = performance.now();
    }
    const seconds = (performance.now() - this.start) / 1000;
    return seconds > 0.05 ? p.loaded / seconds : 0;
  }

  /** Seconds since the current attempt started. */
  elapsed(): number {
    return (performance.now() - this.start) / 1000;
  }
}

function barDisplay(files: DatasetFile[], ctx: CommandContext): Display {
  const width = Math.max(...files.map((f) => f.name.length));
  // Everything but the bar takes about 62 columns; the bar gets what is left of the terminal.
  const columns = ctx.stdout.columns ?? 80;
  const multi = new MultiBar(
    {
      stream: ctx.stdout as unknown as NodeJS.WritableStream,
      format: '{file} {bar} {percentage}% {size} {speed} {remaining} {note}',
      hideCursor: true,
      autopadding: true,
      clearOnComplete: false,
      stopOnComplete: false,
      barsize: Math.max(8, Math.min(30, columns - width - 56)),
      fps: 10,
      // Redraw every bar each frame, so a finished bar keeps its final state.
      forceRedraw: true,
    },
    Presets.shades_classic,
  );
  const bars = new Map<string, { bar: SingleBar; meter: Meter; attempt: number }>();
  const sizeText = (loaded: number, total: number) =>
    `${formatBytes(loaded)}/${formatBytes(total)}`.padEnd(17);
  for (const f of files) {
    bars.set(f.name, {
      bar: multi.create(f.bytes, 0, {
        file: f.name.padEnd(width),
        size: sizeText(0, f.bytes),
        speed: ''.padStart(10),
        remaining: ''.padEnd(8),
        note: 'waiting',
      }),
      meter: new Meter(),
      attempt: 0,
    });
  }
  const get = (name: string) => bars.get(name)!;
  const finish = (file: DatasetFile, bytes: number, note: string) =>
    get(file.name).bar.update(bytes, {
      size: sizeText(bytes, bytes),
      remaining: ''.padEnd(8),
      note,
    });
  return {
    cached(file) {
      finish(file, file.bytes, 'present');
    },
    progress(p) {
      const entry = get(p.file);
      if (p.phase === 'verify') {
        entry.bar.update({ note: 'sha256...' });
        return;
      }
      if (p.phase !== 'download') return;
      const speed = entry.meter.speed(p);
      const total = p.total ?? entry.bar.getTotal();
      if (p.attempt !== entry.attempt) {
        entry.attempt = p.attempt;
        entry.bar.setTotal(total);
      }
      const eta =
        speed > 0 && total > p.loaded ? `ETA ${formatSeconds((total - p.loaded) / speed)}` : '';
      entry.bar.update(p.loaded, {
        size: sizeText(p.loaded, total),
        speed: speed > 0 ? `${formatBytes(Math.round(speed))}/s`.padStart(10) : ''.padStart(10),
        remaining: eta.padEnd(8),
        note: p.attempt > 1 ? `try ${p.attempt}` : '',
      });
    },
    done(file, _path, bytes) {
      finish(file, bytes, 'ok');
    },
    failed(file, why) {
      get(file.name).bar.update({ note: why });
    },
    stop() {
      multi.stop();
    },
  };
}

/** `75s` / `3m05s`. */
function formatSeconds(seconds: number): string {
  const s = Math.ceil(seconds);
  return s < 100 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function lineDisplay(ctx: CommandContext): Display {
  const meters = new Map<string, { meter: Meter; attempt: number; quarter: number }>();
  const say = (text: string) => ctx.stdout.write(`${text}\n`);
  return {
    cached(file, path) {
      say(`${file.name}: already there with the right sha256 (${path})`);
    },
    progress(p) {
      if (p.phase !== 'download') return;
      let state = meters.get(p.file);
      if (!state) {
        state = { meter: new Meter(), attempt: 0, quarter: 0 };
        meters.set(p.file, state);
      }
      const speed = state.meter.speed(p);
      if (p.attempt !== state.attempt) {
        state.attempt = p.attempt;
        state.quarter = 0;
        const size = p.total === undefined ? '' : ` (${formatBytes(p.total)})`;
        say(
          `${p.file}: ${p.attempt > 1 ? `attempt ${p.attempt}, ` : ''}downloading ${p.url}${size}`,
        );
      }
      // A line per quarter keeps logs short but shows that a big file is moving.
      if (p.total && p.total > 1_000_000) {
        const quarter = Math.floor((p.loaded / p.total) * 4);
        if (quarter > state.quarter && quarter < 4) {
          state.quarter = quarter;
          say(
            `${p.file}: ${quarter * 25}% (${formatBytes(p.loaded)} of ${formatBytes(p.total)}, ${formatBytes(Math.round(speed))}/s)`,
          );
        }
      }
    },
    done(file, path, bytes) {
      const state = meters.get(file.name);
      const seconds = state ? state.meter.elapsed() : 0;
      const rate = seconds > 0 ? `, ${formatBytes(Math.round(bytes / seconds))}/s` : '';
      say(
        `${file.name}: done, ${formatBytes(bytes)} in ${seconds.toFixed(1)} s${rate}, sha256 ok (${path})`,
      );
    },
    failed(file, why) {
      say(`${file.name}: ${why}`);
    },
    stop() {},
  };
}

/** `fmnist download`: fetch the four files into the cache. */
export function downloadCommand(
  program: Command,
  ctx: CommandContext,
  done: (code: ExitCodeValue) => void,
): void {
  addCommonOptions(
    program
      .command('download')
      .description(
        'download the four files into the cache (<cache-dir>/<dataset>/) or --data-dir, checking each sha256',
      )
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
  ).action(async (options: DownloadCommandOptions) => {
    done(await download(options, ctx));
  });
}

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
      ? cache.set(`${descriptor.id}/${file.name}`, bytes)
      : writeAtomically(path.join(folder, file.name), bytes);
  const files = allFiles(target);
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
        platform: platform(),
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

/**
 * Writes `file` so that it appears complete or not at all: a unique temporary file in the same
 * folder, fsynced, then renamed over the final name (what core's fsCache does for the cache).
 */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(tmp, 'wx', 0o644);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw new CliError(ExitCode.FAILURE, `Could not write ${file}: ${(error as Error).message}.`, {
      cause: error,
    });
  }
}

async function cachedCopy(file: DatasetFile, path: string): Promise<boolean> {
  try {
    const { bytes, sha256 } = await hashFile(path);
    return sha256 === expectedSha256(file, bytes) || (!file.sha256 && bytes.length === file.bytes);
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
