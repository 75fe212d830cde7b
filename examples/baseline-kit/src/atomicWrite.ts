// Writing a file whole or not at all: a temp file in the same folder, flushed, then renamed.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes `data` to `file` so that readers only ever see the previous file or the complete new
 * one: the bytes go to a temp file beside it (same file system, so the rename is atomic), are
 * fsynced, and the temp file is renamed over `file`. A failed write removes the temp file and
 * leaves the previous `file` as it was.
 */
export async function writeFileAtomically(file: string, data: string | Uint8Array): Promise<void> {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
