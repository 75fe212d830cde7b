// Writing the files commands produce: a temporary name, checked writes, fsync, then a rename.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { type FileHandle, link, lstat, mkdir, open, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { CliError, ExitCode, throwIfInterrupted } from './errors.ts';

/** The error for a file that could not be written: `Could not write FILE: REASON.` (exit 1). */
export function writeFailure(file: string, error: unknown): CliError {
  if (error instanceof CliError) return error;
  return new CliError(ExitCode.FAILURE, `Could not write ${file}: ${(error as Error).message}.`, {
    cause: error,
  });
}

/** Creates `dir` and its parents; a failure is `Could not create DIR: REASON.` (exit 1). */
export async function makeOutputDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new CliError(ExitCode.FAILURE, `Could not create ${dir}: ${(error as Error).message}.`, {
      cause: error,
    });
  }
}

/** The refusal for an output that is already there (exit 2): nothing was written. */
export function existsError(file: string): CliError {
  return new CliError(
    ExitCode.USAGE,
    `${file} already exists; pass --force to replace it (it is replaced only once the new one is complete).`,
  );
}

// Temporary files and folders being written, removed synchronously by the binary when it must
// exit at once (a second Ctrl-C, a closed stdout) and on any exit, so none is left behind.
const pending = new Set<string>();

/** Removes every temporary output still being written; for exit paths that cannot await. */
export function removePendingOutputsSync(): void {
  for (const tmp of pending) rmSync(tmp, { recursive: true, force: true });
  pending.clear();
}

/** A fresh name next to `file` for its temporary copy: same folder, so the rename is atomic. */
function temporaryName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** A file system without hard links answers `link` with one of these. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK', 'EXDEV']);

/**
 * Moves the complete `tmp` to `file`. With `force` a rename replaces what is there; without it
 * a hard link claims the name only if it is free (atomic: of two runs racing for one name, the
 * second refuses with {@link existsError}) and the temporary name is then dropped.
 */
async function claim(tmp: string, file: string, force: boolean): Promise<void> {
  if (force) {
    await rename(tmp, file);
    return;
  }
  try {
    await link(tmp, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') throw existsError(file);
    if (!NO_LINKS.has(code)) throw error;
    if (await exists(file)) throw existsError(file);
    await rename(tmp, file);
    return;
  }
  await unlink(tmp);
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Options of {@link openOutput} and {@link writeAtomically}. */
export interface OutputOptions {
  /** Replace a file already under the final name (`--force`); otherwise that is refused. */
  force?: boolean;
  /** Stops the writes between chunks; the temporary file is then removed. */
  signal?: AbortSignal;
}

/** How many bytes one write(2) is given, so that a stop request is seen between them. */
const CHUNK = 1 << 20;

/**
 * An output file being written under a temporary name in its final folder. Nothing is under
 * the final name until {@link PendingOutput.commit}; {@link PendingOutput.discard} removes the
 * temporary file (it is also removed when the process exits without committing).
 */
export class PendingOutput {
  /** The final name. */
  readonly file: string;
  readonly #tmp: string;
  readonly #handle: FileHandle;
  readonly #options: OutputOptions;
  #done = false;

  private constructor(file: string, tmp: string, handle: FileHandle, options: OutputOptions) {
    this.file = file;
    this.#tmp = tmp;
    this.#handle = handle;
    this.#options = options;
  }

  /** Creates the temporary file next to `file` (its folder must exist). */
  static async open(file: string, options: OutputOptions = {}): Promise<PendingOutput> {
    const tmp = temporaryName(file);
    pending.add(tmp);
    try {
      return new PendingOutput(file, tmp, await open(tmp, 'wx', 0o644), options);
    } catch (error) {
      pending.delete(tmp);
      throw writeFailure(file, error);
    }
  }

  /**
   * Appends `data`. Every write(2)'s count is checked and a short write continued, so a full
   * disk is an error naming this file, never a silently shorter file.
   */
  async write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    try {
      for (let offset = 0; offset < bytes.length; ) {
        if (this.#options.signal) throwIfInterrupted(this.#options.signal, `Writing ${this.file}`);
        const length = Math.min(CHUNK, bytes.length - offset);
        const { bytesWritten } = await this.#handle.write(bytes, offset, length);
        if (bytesWritten <= 0) throw new Error(`write(2) wrote ${bytesWritten} bytes`);
        offset += bytesWritten;
      }
    } catch (error) {
      throw writeFailure(this.file, error);
    }
  }

  /** Flushes the data to disk (fsync), closes the file and renames it to its final name. */
  async commit(): Promise<void> {
    if (this.#done) return;
    try {
      await this.#handle.sync();
      await this.#handle.close();
      this.#done = true;
      await claim(this.#tmp, this.file, this.#options.force === true);
    } catch (error) {
      await this.discard();
      throw writeFailure(this.file, error);
    }
    pending.delete(this.#tmp);
  }

  /** Closes and removes the temporary file; the final name is left as it was. */
  async discard(): Promise<void> {
    if (!this.#done) {
      this.#done = true;
      await this.#handle.close().catch(() => undefined);
    }
    await unlink(this.#tmp).catch(() => undefined);
    pending.delete(this.#tmp);
  }
}

/**
 * Writes `file` through a {@link PendingOutput}: `fill` writes the content, then it is committed;
 * if `fill` throws (a failed write, Ctrl-C) the temporary file is removed and the final name is
 * left as it was, so a failed rerun never truncates the previous good output.
 */
export async function writeOutputFile(
  file: string,
  fill: (output: PendingOutput) => Promise<void>,
  options: OutputOptions = {},
): Promise<void> {
  const output = await PendingOutput.open(file, options);
  try {
    await fill(output);
  } catch (error) {
    await output.discard();
    throw error;
  }
  await output.commit();
}

/**
 * Writes `file` so that it appears complete or not at all: a unique temporary file in the same
 * folder (created if needed), checked writes, fsync, then the rename (what core's fsCache does
 * for the cache). Replaces an existing file unless `force` is `false`.
 */
export async function writeAtomically(
  file: string,
  bytes: Uint8Array | string,
  options: OutputOptions = {},
): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
  } catch (error) {
    throw writeFailure(file, error);
  }
  await writeOutputFile(file, (output) => output.write(bytes), { force: true, ...options });
}

/**
 * A folder of outputs (`export --format png`'s `<split>/`) built under a temporary name beside
 * its final one and renamed into place when every file in it is written and flushed.
 */
export class PendingFolder {
  /** The final name. */
  readonly dir: string;
  /** Where the files go while they are written. */
  readonly tmp: string;
  #done = false;

  private constructor(dir: string, tmp: string) {
    this.dir = dir;
    this.tmp = tmp;
  }

  /** Creates the temporary folder next to `dir` (its parent must exist). */
  static async open(dir: string): Promise<PendingFolder> {
    const tmp = temporaryName(dir);
    pending.add(tmp);
    try {
      await mkdir(tmp);
    } catch (error) {
      pending.delete(tmp);
      throw writeFailure(dir, error);
    }
    return new PendingFolder(dir, tmp);
  }

  /**
   * Renames the folder into place. Without `force` an existing `dir` is refused (a rename over
   * a non-empty folder fails, so of two racing runs one refuses); with it the old folder is
   * moved aside, the new one renamed in, and only then is the old one deleted.
   */
  async commit(force: boolean): Promise<void> {
    try {
      if (await exists(this.dir)) {
        if (!force) throw existsError(this.dir);
        const old = temporaryName(this.dir);
        pending.add(old);
        await rename(this.dir, old);
        await rename(this.tmp, this.dir);
        this.#done = true;
        pending.delete(this.tmp);
        await rm(old, { recursive: true, force: true });
        pending.delete(old);
        return;
      }
      await rename(this.tmp, this.dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      await this.discard();
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw existsError(this.dir);
      throw writeFailure(this.dir, error);
    }
    this.#done = true;
    pending.delete(this.tmp);
  }

  /** Removes the temporary folder and everything in it. */
  async discard(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await rm(this.tmp, { recursive: true, force: true }).catch(() => undefined);
    pending.delete(this.tmp);
  }
}

/** Writes one small file completely and flushes it (for files inside a {@link PendingFolder}). */
export async function writeFlushed(file: string, bytes: Uint8Array): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'wx', 0o644);
    // writeFile loops until every byte is written and throws on a short write's cause.
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    throw writeFailure(file, error);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
