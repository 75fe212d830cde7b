// A directory of cached files that never holds a half-written file under a final name: every
// write goes to a unique temporary file in the same directory, is fsynced and then renamed over
// the final name, which is atomic on one filesystem. A crash or SIGKILL mid-write leaves at most
// a `*.tmp` file, which is never read and is swept later.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { acquireFileLock, type FileLockOptions } from './cacheLock.ts';
import { isSafeName } from './datasets.ts';
import { FmnistError } from './errors.ts';
import { readRegularFile } from './fileKind.ts';
import type { ByteCache, CacheLockRequest } from './platform.ts';

const TMP_SUFFIX = '.tmp';
// A temporary file older than this belongs to a writer that died (writes take seconds).
const STALE_TMP_MS = 60 * 60 * 1000;

function ioError(action: string, file: string, error: unknown): FmnistError {
  const code = (error as { code?: string }).code;
  return new FmnistError(
    'CACHE_IO',
    `Could not ${action} ${file}: ${(error as Error).message ?? String(error)}. ` +
      'Set FMNIST_CACHE_DIR (or the cache option) to a writable directory, or pass cache: false.',
    { cause: error, details: { path: file, code } },
  );
}

/**
 * `mkdir -p`, but with the real reason when it fails: Node's recursive mkdir reports ENOENT for
 * a directory it cannot create under an existing one on a read-only file system, which would
 * make the message say "no such file or directory" instead of "read-only file system".
 */
async function makeDirectory(folder: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
    // The highest missing directory: creating it alone fails with the true code.
    let missing = folder;
    for (;;) {
      const parent = path.dirname(missing);
      if (parent === missing) throw error;
      const exists = await stat(parent).then(
        () => true,
        () => false,
      );
      if (exists) break;
      missing = parent;
    }
    try {
      await mkdir(missing);
    } catch (real) {
      if ((real as { code?: string }).code !== 'EEXIST') throw real;
    }
    // Created (or raced into existence) after all: try the whole path once more.
    await mkdir(folder, { recursive: true });
  }
}

async function retryBusy<T>(fn: () => Promise<T>): Promise<T> {
  // Windows refuses to replace a file another process has open (EPERM/EBUSY); such locks are
  // brief (antivirus, a concurrent reader), so retry a few times before giving up.
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (i >= 5 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** i));
    }
  }
}

/**
 * The file that holds `key` in an {@link fsCache} rooted at `dir`: `dir/<dataset>/<file>`.
 * Throws INVALID_ARGUMENT for a key that is not `dataset/file` with safe names, or that would
 * leave `dir`.
 */
export function fsCachePath(dir: string, key: string): string {
  const root = path.resolve(dir);
  const parts = typeof key === 'string' ? key.split('/') : [];
  if (parts.length !== 2 || !parts.every((p) => isSafeName(p) && p !== '..')) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `Invalid cache key ${JSON.stringify(key)}: expected "dataset/file" with letters, digits, '.', '_' and '-' only.`,
      { details: { key } },
    );
  }
  const file = path.resolve(root, parts[0], parts[1]);
  // Belt and braces: whatever the key, the path must stay inside the cache directory.
  if (!file.startsWith(root + path.sep) || file.endsWith(TMP_SUFFIX)) {
    throw new FmnistError('INVALID_ARGUMENT', `Cache key ${JSON.stringify(key)} leaves ${root}.`, {
      details: { key, dir: root },
    });
  }
  return file;
}

/** Options for {@link fsCache}. */
export interface FsCacheOptions {
  /**
   * The cross-process lock per file ({@link ByteCache.lock}): `false` for none, or its timing.
   * Default on, with the defaults of {@link FileLockOptions}.
   */
  lock?: false | FileLockOptions;
}

/** The lock file of the cache file `file`: ends in `.tmp`, so it is never a cache entry. */
export function lockPathFor(file: string): string {
  return `${file}.lock${TMP_SUFFIX}`;
}

/**
 * A {@link ByteCache} in `dir`: key `fashion-mnist/train-images-idx3-ubyte.gz` is the file
 * `dir/fashion-mnist/train-images-idx3-ubyte.gz`. Keys must be `dataset/file` with letters,
 * digits, `.`, `_` and `-` only, and must resolve inside `dir` (INVALID_ARGUMENT otherwise).
 * Writes are atomic (temp file, fsync, rename), so concurrent processes and crashes never leave
 * a partial file under a final name. Filesystem failures throw CACHE_IO naming the path. It
 * verifies nothing: the loader checks each file's sha256 before using it. `location(key)` is
 * the file's path; `lock(key)` a lock file `<file>.lock.tmp` (see {@link acquireFileLock}), so
 * processes sharing the cache download each missing file once.
 */
export function fsCache(dir: string, options: FsCacheOptions = {}): ByteCache {
  if (typeof dir !== 'string' || dir.trim() === '') {
    // path.resolve('') is the current directory: never a cache nobody asked for.
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `The cache directory must be a non-empty path, got ${JSON.stringify(dir)}: pass a directory (cacheDir or FMNIST_CACHE_DIR), or cache: false.`,
      { details: { option: 'cacheDir', value: dir } },
    );
  }
  const root = path.resolve(dir);

  const fileFor = (key: string): string => fsCachePath(root, key);

  const sweep = async (folder: string, base: string): Promise<void> => {
    try {
      const now = Date.now();
      for (const name of await readdir(folder)) {
        if (!name.startsWith(`${base}.`) || !name.endsWith(TMP_SUFFIX)) continue;
        const tmp = path.join(folder, name);
        const info = await stat(tmp).catch(() => undefined);
        if (info && now - info.mtimeMs > STALE_TMP_MS) await unlink(tmp).catch(() => undefined);
      }
    } catch {
      // Sweeping is housekeeping; the write itself already succeeded.
    }
  };

  return {
    async get(key) {
      // Only a regular file is read: a FIFO or device under a cache name would block the read.
      return readRegularFile(fileFor(key), 'cached file');
    },

    async set(key, bytes) {
      const file = fileFor(key);
      const folder = path.dirname(file);
      const base = path.basename(file);
      const tmp = path.join(
        folder,
        `${base}.${process.pid}.${randomBytes(6).toString('hex')}${TMP_SUFFIX}`,
      );
      try {
        await makeDirectory(folder);
      } catch (error) {
        throw ioError('create the cache directory', folder, error);
      }
      try {
        // 'wx': fail rather than share a temp file with anyone else.
        const handle = await open(tmp, 'wx', 0o644);
        try {
          let offset = 0;
          while (offset < bytes.length) {
            const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
            offset += bytesWritten;
          }
          // Data on disk before the rename makes it visible, or a power cut could expose an
          // empty file under the final name.
          await handle.sync();
        } finally {
          await handle.close();
        }
        await retryBusy(() => rename(tmp, file));
      } catch (error) {
        await unlink(tmp).catch(() => undefined);
        throw ioError('write', file, error);
      }
      // Persist the rename itself where the OS allows syncing a directory (not Windows).
      try {
        const dirHandle = await open(folder, 'r');
        try {
          await dirHandle.sync();
        } finally {
          await dirHandle.close();
        }
      } catch {
        // Best effort only.
      }
      await sweep(folder, base);
    },

    location: fileFor,

    ...(options.lock === false
      ? {}
      : {
          lock: (key: string, request: CacheLockRequest = {}) =>
            acquireFileLock(lockPathFor(fileFor(key)), {
              ...(options.lock || {}),
              ...request,
            }),
        }),

    async remove(key) {
      const file = fileFor(key);
      try {
        await retryBusy(() => unlink(file));
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return;
        throw ioError('delete', file, error);
      }
    },
  };
}
