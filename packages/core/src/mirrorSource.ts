// The mirror source: the loader's last resort downloads a file from the dataset's mirrors and keeps the verified bytes in the cache.
import type { DatasetFile } from './datasets.ts';
import { downloadFile } from './download.ts';
import { isFmnistError } from './errors.ts';
import { cacheKey } from './platform.ts';
import type { FoundFile, SourceContext } from './source.ts';

/**
 * Downloads `file` with {@link downloadFile}: the load's mirrors, else the descriptor's, with
 * plain http allowed when the option or the descriptor says so. Only verified bytes reach the
 * cache (downloadFile checked them).
 */
export async function fromMirrors(file: DatasetFile, ctx: SourceContext): Promise<FoundFile> {
  let source = '';
  let attempt = 0;
  const bytes = await downloadFile(file, {
    ...ctx.download,
    mirrors: ctx.download.mirrors ?? ctx.descriptor.mirrors,
    allowInsecure: ctx.download.allowInsecure || ctx.descriptor.allowInsecureMirrors === true,
    platform: ctx.platform,
    signal: ctx.signal,
    // The load's own deadline covers this download: one cap, one message.
    deadlineMs: Number.POSITIVE_INFINITY,
    onProgress: (p) => {
      source = p.url;
      attempt = p.attempt;
      ctx.progress(p);
    },
  });
  if (ctx.cache) {
    await ctx.cache.set(cacheKey(ctx.descriptor.id, file.name), bytes).catch((error: unknown) => {
      // A full browser quota (browserCache) must not cost the download: go on without caching.
      if (!isFmnistError(error, 'CACHE_IO') || error.details.continueWithoutCache !== true) {
        throw error;
      }
    });
  }
  return { bytes, source, attempt };
}
