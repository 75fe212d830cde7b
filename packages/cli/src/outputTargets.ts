// Which outputs a command may write: never an existing file without --force, never an input.
import { lstat, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError, ExitCode } from './errors.ts';
import { existsError } from './outputFiles.ts';

/**
 * Refuses (exit 2, before any work) when one of `outputs` already exists and `force` is not
 * set. This is the early answer; the commit of each file re-checks atomically, so a run that
 * races another for the same name refuses too.
 */
export async function refuseExisting(outputs: readonly string[], force: boolean): Promise<void> {
  if (force) return;
  for (const file of outputs) {
    const there = await lstat(file).then(
      () => true,
      () => false,
    );
    if (there) throw existsError(file);
  }
}

/** `file` with symlinks resolved, also when it does not exist yet (its folder is resolved). */
async function resolved(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch {
    const parent = path.dirname(file);
    if (parent === file) return file;
    return path.join(await resolved(parent), path.basename(file));
  }
}

async function identity(file: string): Promise<string | undefined> {
  try {
    const s = await stat(file);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * Refuses (exit 2) an output that is one of `inputs` (same path once symlinks are resolved, or
 * the same file through a hard link) or a folder that holds one: writing there would replace
 * the data being read (`export -f idx -o DIR --data-dir DIR`).
 */
export async function refuseInputs(
  outputs: readonly string[],
  inputs: readonly string[],
): Promise<void> {
  const read = await Promise.all(
    inputs.map(async (file) => ({ file, real: await resolved(file), id: await identity(file) })),
  );
  for (const output of outputs) {
    const real = await resolved(output);
    const id = await identity(output);
    for (const input of read) {
      if (real === input.real || (id !== undefined && id === input.id)) {
        throw new CliError(
          ExitCode.USAGE,
          `The output ${output} is ${input.file}, a file this command reads; choose another --out.`,
        );
      }
      if (input.real.startsWith(`${real}${path.sep}`)) {
        throw new CliError(
          ExitCode.USAGE,
          `The output ${output} holds ${input.file}, a file this command reads; choose another --out.`,
        );
      }
    }
  }
}
