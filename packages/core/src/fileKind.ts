// Regular files only: a FIFO, socket, device or directory under a data file's name is named for what it is and never opened for reading, so a load cannot block on it.
import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { FmnistError } from './errors.ts';

/** What a path is, in the words an error message uses. */
export type FileKind =
  | 'file'
  | 'directory'
  | 'FIFO'
  | 'socket'
  | 'character device'
  | 'block device'
  | 'symbolic link loop'
  | 'missing'
  | 'other';

/** The kind of the thing `info` describes (a `stat`, which follows symbolic links). */
export function kindOfStats(info: Stats): FileKind {
  if (info.isFile()) return 'file';
  if (info.isDirectory()) return 'directory';
  if (info.isFIFO()) return 'FIFO';
  if (info.isSocket()) return 'socket';
  if (info.isCharacterDevice()) return 'character device';
  if (info.isBlockDevice()) return 'block device';
  return 'other';
}

/**
 * What `file` is, following symbolic links: `'missing'` when it (or a link's target) does not
 * exist, `'symbolic link loop'` for ELOOP. Other failures (EACCES...) are thrown as they are.
 */
export async function fileKind(file: string): Promise<FileKind> {
  try {
    return kindOfStats(await stat(file));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    if (code === 'ELOOP') return 'symbolic link loop';
    throw error;
  }
}

/** "is a FIFO", "is a directory", "is a symbolic link loop"; for messages. */
export function describeKind(kind: FileKind): string {
  if (kind === 'other') return 'is not a regular file';
  if (kind === 'missing') return 'does not exist';
  return `is a ${kind}`;
}

/** The errno-style code reported in `details.code` for a kind that is not a regular file. */
function kindCode(kind: FileKind): string {
  return kind === 'directory' ? 'EISDIR' : kind === 'symbolic link loop' ? 'ELOOP' : 'ENOTREG';
}

/**
 * The error for a path that is not a regular file: CACHE_IO naming the path and what it is,
 * with `details.kind` and `details.code` (`EISDIR`, `ELOOP`, or `ENOTREG` for FIFOs, sockets
 * and devices).
 */
export function notRegularFileError(file: string, kind: FileKind, role = 'data file'): FmnistError {
  const advice =
    kind === 'symbolic link loop'
      ? 'Fix or remove the link.'
      : 'Only regular files are read; remove it or put the real file there.';
  return new FmnistError('CACHE_IO', `The ${role} ${file} ${describeKind(kind)}. ${advice}`, {
    details: { path: file, kind, code: kindCode(kind) },
  });
}

// O_NONBLOCK: should a FIFO appear between the stat and the open, the open does not wait for a
// writer (the fstat below then refuses it). Absent on Windows, where FIFOs are not files anyway.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads `file` when it is a regular file (following symbolic links); `undefined` when it does
 * not exist. Anything else is refused before it is opened for reading (see
 * {@link notRegularFileError}), and the open handle is checked again, so a path swapped in
 * between cannot make the read block.
 *
 * @throws FmnistError CACHE_IO for a directory, FIFO, socket, device or symbolic link loop, and
 *   for read errors (EACCES...), naming the path; `role` words the message ("cached file").
 */
export async function readRegularFile(
  file: string,
  role = 'data file',
): Promise<Uint8Array | undefined> {
  let kind: FileKind;
  try {
    kind = await fileKind(file);
  } catch (error) {
    throw readError(file, error);
  }
  if (kind === 'missing') return undefined;
  if (kind !== 'file') throw notRegularFileError(file, kind, role);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, OPEN_FLAGS);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') throw notRegularFileError(file, 'symbolic link loop', role);
    throw readError(file, error);
  }
  try {
    const now = kindOfStats(await handle.stat());
    if (now !== 'file') throw notRegularFileError(file, now, role);
    const buffer = await handle.readFile();
    // A plain Uint8Array that owns its memory (no slice of Node's shared Buffer pool).
    return buffer.byteOffset === 0 && buffer.buffer.byteLength === buffer.length
      ? new Uint8Array(buffer.buffer, 0, buffer.length)
      : new Uint8Array(buffer);
  } catch (error) {
    if (error instanceof FmnistError) throw error;
    throw readError(file, error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function readError(file: string, error: unknown): FmnistError {
  const code = (error as { code?: string }).code;
  return new FmnistError('CACHE_IO', `Could not read ${file}: ${(error as Error).message}`, {
    cause: error,
    details: { path: file, code },
  });
}
