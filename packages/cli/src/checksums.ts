// Hashing a file on disk, for the commands that report or re-check a file's sha256.
import { readFile } from 'node:fs/promises';
import { nodeSha256 } from '@fmnist/core/node';

/** Reads a file and hashes it (the sha256 it must have is core's `expectedChecksum`). */
export async function hashFile(
  file: string,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; sha256: string }> {
  const bytes = await readFile(file, { signal });
  return { bytes, sha256: await nodeSha256(bytes) };
}
