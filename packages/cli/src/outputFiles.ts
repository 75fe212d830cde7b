// Writing the files commands produce; a failure to write is one sentence and exit code 1.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError, ExitCode } from './errors.ts';

/** The error for a file that could not be written: `Could not write FILE: REASON.` (exit 1). */
export function writeFailure(file: string, error: unknown): CliError {
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

/** Options of {@link writeOutput}. */
export interface WriteOutputOptions {
  /**
   * Create the file's folder first; its failure is then reported as a failure to write the file,
   * since the user named the file, not the folder.
   */
  parents?: boolean;
}

/** Writes `bytes` to `file`; a failure is {@link writeFailure}'s sentence. */
export async function writeOutput(
  file: string,
  bytes: Uint8Array | string,
  options: WriteOutputOptions = {},
): Promise<void> {
  try {
    if (options.parents) await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
  } catch (error) {
    throw writeFailure(file, error);
  }
}

/**
 * Writes `file` so that it appears complete or not at all: a unique temporary file in the same
 * folder, fsynced, then renamed over the final name (what core's fsCache does for the cache).
 */
export async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
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
    throw writeFailure(file, error);
  }
}
