// Explaining a file no source could deliver: each place looked in (data directory and its variable, cache, every mirror once with its last error) and what to do next.
import { DATA_DIR_ENV, datasetDirEnv, describeDataDirOrigin } from './dataDir.ts';
import type { DatasetFile } from './datasets.ts';
import type { DownloadAttempt } from './download.ts';
import { FmnistError } from './errors.ts';
import { cacheKey } from './platform.ts';
import type { SourceContext } from './source.ts';

/** What the local directory and the cache showed for one file before the mirrors were tried. */
export interface LookedAt {
  /** Files in a non-strict data directory that exist but failed this dataset's checksums. */
  skippedLocal: string[];
  /** Whether the cache held an entry that failed its sha256 (it was removed). */
  cacheDamaged: boolean;
}

/** One place a failed load looked in, as listed in `details.sources`. */
export interface LookedSource {
  /** `data-dir`, `cache` or `mirror`. */
  kind: 'data-dir' | 'cache' | 'mirror';
  /** The directory, the cache location or the mirror URL of the file. */
  where: string;
  /** What was found there, in words. */
  outcome: string;
}

/** The variable that names `datasetId`'s own data directory. */
function ownVariable(datasetId: string): string {
  return datasetId === 'fashion-mnist' ? DATA_DIR_ENV : datasetDirEnv(datasetId);
}

/**
 * The DOWNLOAD_FAILED of a load whose file came from no source: the first line says what to do
 * (`FMNIST_DATA_DIR=/path/to/files`, or `fmnist download --from DIR`), the following lines list
 * every source tried. `details` keeps the download's `file` and `attempts` and adds `sources`
 * (see {@link LookedSource}); the download error is the `cause`.
 */
export function explainLoadFailure(
  error: FmnistError,
  file: DatasetFile,
  ctx: SourceContext,
  looked: LookedAt,
): FmnistError {
  const { descriptor } = ctx;
  const sources: LookedSource[] = [];
  const local = ctx.local;
  if (local) {
    const origin = describeDataDirOrigin(local);
    const outcome =
      looked.skippedLocal.length > 0
        ? `skipped ${looked.skippedLocal.join(' and ')}: not ${descriptor.title}'s file (its checksum differs; ${origin} is Fashion-MNIST's folder, ${descriptor.title}'s is ${ownVariable(descriptor.id)})`
        : `no ${file.name}`;
    sources.push({ kind: 'data-dir', where: `${local.dir} (from ${origin})`, outcome });
  } else {
    sources.push({
      kind: 'data-dir',
      where: 'no data directory',
      outcome: `neither the dataDir option nor ${ownVariable(descriptor.id)} is set`,
    });
  }
  if (ctx.cache) {
    const key = cacheKey(descriptor.id, file.name);
    const where = ctx.cache.location?.(key) ?? `cache entry ${key}`;
    const outcome = looked.cacheDamaged ? 'a damaged copy, removed' : 'not there';
    sources.push({ kind: 'cache', where: `the cache ${where}`, outcome });
  }
  const attempts = (error.details.attempts as DownloadAttempt[] | undefined) ?? [];
  const lastByUrl = new Map<string, DownloadAttempt>();
  for (const attempt of attempts) {
    lastByUrl.delete(attempt.url);
    lastByUrl.set(attempt.url, attempt);
  }
  for (const [url, attempt] of lastByUrl) {
    const tries = attempts.filter((a) => a.url === url && a.attempt > 0).length;
    const times = tries > 1 ? ` (${tries} attempts)` : '';
    sources.push({ kind: 'mirror', where: url, outcome: `${attempt.reason}${times}` });
  }
  const flag = descriptor.id === 'fashion-mnist' ? '' : ` --dataset ${descriptor.id}`;
  const lines = sources.map((s) => `  - ${s.where}: ${s.outcome}`);
  return new FmnistError(
    'DOWNLOAD_FAILED',
    `Could not get ${file.name} of ${descriptor.title} from any source. With the files at hand, ` +
      `set ${ownVariable(descriptor.id)}=/path/to/files, or copy them into the cache with ` +
      `\`fmnist download${flag} --from DIR\`. Looked in:\n${lines.join('\n')}`,
    { cause: error, details: { ...error.details, file: file.name, sources } },
  );
}
