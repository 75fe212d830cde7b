// The local-directory source: a file from the data directory, as published (.gz) or unpacked, checked against the matching checksum.

import { describeDataDirOrigin, localFileNames } from './dataDir.ts';
import type { DatasetFile } from './datasets.ts';
import { FmnistError, isFmnistError } from './errors.ts';
import type { FoundFile, SourceContext } from './source.ts';
import { expectedChecksum, verifyWithProgress } from './verify.ts';

function joinPath(dir: string, name: string): string {
  return /[\\/]$/.test(dir) ? dir + name : `${dir}/${name}`;
}

/**
 * Reads `file` from the load's local directory (`ctx.local`, which must be set): the published
 * name, then the unpacked one, each checked by content against `sha256` or `rawSha256`. A strict
 * directory must hold a matching file (NOT_FOUND, or CHECKSUM_MISMATCH naming the directory);
 * for the non-strict fallback a missing or mismatching file resolves `undefined`, so the loader
 * moves on to the cache and the mirrors.
 *
 * @throws FmnistError INVALID_ARGUMENT when the platform cannot read local files.
 */
export async function fromLocal(
  file: DatasetFile,
  ctx: SourceContext,
): Promise<FoundFile | undefined> {
  const local = ctx.local!;
  const origin = describeDataDirOrigin(local);
  const read = ctx.platform.readLocalFile;
  if (!read) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `A data directory (${local.dir}, from ${origin}) needs a platform that can read local files: ` +
        "import loadDataset from '@fmnist/core/node', or pass a platform with readLocalFile.",
      { details: { dir: local.dir } },
    );
  }
  const names = localFileNames(file);
  for (const name of names) {
    const bytes = await read.call(ctx.platform, local.dir, name);
    if (bytes === undefined) continue;
    const source = joinPath(local.dir, name);
    // Decide by content, not by name: an unpacked file is checked against the unpacked sha256.
    const expected = expectedChecksum(file, bytes);
    try {
      await verifyWithProgress(file, bytes, ctx.platform, {
        source,
        attempt: 0,
        progress: ctx.progress,
        expected,
      });
    } catch (error) {
      if (!local.strict && isFmnistError(error, 'CHECKSUM_MISMATCH')) return undefined;
      if (isFmnistError(error, 'CHECKSUM_MISMATCH')) {
        throw new FmnistError(
          'CHECKSUM_MISMATCH',
          `${error.message} It was found in ${local.dir} (from ${origin}).`,
          { cause: error.cause, details: { ...error.details, dir: local.dir } },
        );
      }
      throw error;
    }
    return { bytes, source, attempt: 0 };
  }
  if (!local.strict) return undefined;
  throw new FmnistError(
    'NOT_FOUND',
    `${local.dir} (from ${origin}) has no ${names.join(' or ')}. ` +
      'A data directory you name is used as it is and must hold the files; to download into ' +
      'the cache instead, leave dataDir and the environment variable unset.',
    { details: { dir: local.dir, file: file.name, origin } },
  );
}
