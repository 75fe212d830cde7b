// The cache source: a previously downloaded file, used only while it still matches its sha256.
import type { DatasetFile } from './datasets.ts';
import { isFmnistError } from './errors.ts';
import { cacheKey } from './platform.ts';
import type { FoundFile, SourceContext } from './source.ts';
import { verifyWithProgress } from './verify.ts';

/**
 * Reads `file` from the load's cache (`ctx.cache`, which must be set) and verifies it. A damaged
 * or foreign entry is never used: it is removed and `undefined` is returned, so the file is
 * downloaded anew.
 */
export async function fromCache(
  file: DatasetFile,
  ctx: SourceContext,
): Promise<FoundFile | undefined> {
  const cache = ctx.cache!;
  const key = cacheKey(ctx.descriptor.id, file.name);
  const bytes = await cache.get(key);
  if (bytes === undefined) return undefined;
  const source = `cache:${key}`;
  try {
    await verifyWithProgress(file, bytes, ctx.platform, {
      source,
      attempt: 0,
      progress: ctx.progress,
    });
  } catch (error) {
    if (!isFmnistError(error, 'CHECKSUM_MISMATCH')) throw error;
    await cache.remove(key);
    return undefined;
  }
  return { bytes, source, attempt: 0 };
}
