// The cache source: a previously downloaded file, used only while it still matches its sha256; with a cache that locks, a missing file is downloaded by one process while the others wait for its result.
import type { DatasetFile } from './datasets.ts';
import { isFmnistError } from './errors.ts';
import { type ByteCache, cacheKey } from './platform.ts';
import { type FoundFile, type SourceContext, verifyStored } from './source.ts';

/** The verified entry, or `undefined` (a damaged or foreign entry is removed first). */
async function readVerified(
  cache: ByteCache,
  key: string,
  file: DatasetFile,
  ctx: SourceContext,
): Promise<FoundFile | undefined> {
  const bytes = await cache.get(key);
  if (bytes === undefined) return undefined;
  try {
    return await verifyStored(file, bytes, `cache:${key}`, ctx);
  } catch (error) {
    if (!isFmnistError(error, 'CHECKSUM_MISMATCH')) throw error;
    await cache.remove(key);
    return undefined;
  }
}

/**
 * Reads `file` from the load's cache (`ctx.cache`, which must be set) and verifies it. A damaged
 * or foreign entry is never used: it is removed and `undefined` is returned, so the file is
 * downloaded anew (see {@link withCacheLock}).
 */
export async function fromCache(
  file: DatasetFile,
  ctx: SourceContext,
): Promise<FoundFile | undefined> {
  return readVerified(ctx.cache!, cacheKey(ctx.descriptor.id, file.name), file, ctx);
}

/**
 * Runs `download` (which fills the cache) holding the cache's lock on `file`
 * ({@link ByteCache.lock}, as `fsCache` has), so that processes sharing the cache download a
 * missing file once: a process that finds the lock taken waits, then takes the holder's result
 * from the cache; if the holder died or failed, the next one downloads. Without a cache, a
 * lock, or the means to lock (a read-only cache), `download` simply runs: correctness never
 * depends on the lock, since writes are atomic and every cached file is verified.
 *
 * @throws FmnistError ABORTED when `ctx.signal` fires while waiting; whatever `download` throws.
 */
export async function withCacheLock(
  file: DatasetFile,
  ctx: SourceContext,
  download: () => Promise<FoundFile>,
): Promise<FoundFile> {
  const cache = ctx.cache;
  if (!cache?.lock) return download();
  const key = cacheKey(ctx.descriptor.id, file.name);
  let filled: FoundFile | undefined;
  const lease = await cache.lock(key, {
    signal: ctx.signal,
    ready: async () => {
      filled = await readVerified(cache, key, file, ctx);
      return filled !== undefined;
    },
  });
  if (!lease) return download();
  if (lease.filled && filled) return filled;
  try {
    // The previous holder may have finished between the first look and taking the lock.
    return (await readVerified(cache, key, file, ctx)) ?? (await download());
  } finally {
    await lease.release();
  }
}
