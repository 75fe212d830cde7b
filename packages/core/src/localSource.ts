// The local-directory source: a file from the data directory, as published (.gz) or unpacked, checked against the matching checksum.

import { describeDataDirOrigin, localFileNames } from './dataDir.ts';
import type { DatasetFile } from './datasets.ts';
import { FmnistError, isFmnistError } from './errors.ts';
import { type FoundFile, type SourceContext, verifyStored } from './source.ts';

function joinPath(dir: string, name: string): string {
  return /[\\/]$/.test(dir) ? dir + name : `${dir}/${name}`;
}

/**
 * Reads `file` from the load's local directory (`ctx.local`, which must be set): the published
 * name, then the unpacked one, each checked by content (see `verifyFile`: the published
 * `sha256`, or the inflated bytes' `rawSha256` for a re-compressed or unpacked copy). A strict
 * directory must hold a matching file (NOT_FOUND, or CHECKSUM_MISMATCH naming the directory);
 * for the non-strict fallback a missing or mismatching file resolves `undefined`, so the loader
 * moves on to the cache and the mirrors.
 *
 * @throws FmnistError INVALID_ARGUMENT when the platform cannot read local files; CACHE_IO
 *   naming the path when a directory you named has a FIFO, socket, device, directory or symbolic
 *   link loop under a file's name (it is never opened for reading).
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
    let bytes: Uint8Array | undefined;
    try {
      bytes = await read.call(ctx.platform, local.dir, name);
    } catch (error) {
      // A FIFO, device or directory under the name: an error for a directory you named, and
      // for the FMNIST_DATA_DIR fallback just another file that is not this dataset's.
      if (!local.strict && isFmnistError(error, 'CACHE_IO') && error.details.kind) continue;
      if (isFmnistError(error, 'INVALID_ARGUMENT') && error.details.reason === 'not-a-directory') {
        if (!local.strict) return undefined;
        throw new FmnistError(
          'INVALID_ARGUMENT',
          `The data directory ${local.dir} (from ${origin}) ${String(error.details.what ?? 'is not a directory')}, not a directory: point ${local.from === 'dataDir' ? 'the dataDir option' : local.from} at the folder that holds the files.`,
          {
            details: {
              ...error.details,
              ...(local.from === 'dataDir' ? { option: 'dataDir' } : {}),
            },
          },
        );
      }
      throw error;
    }
    if (bytes === undefined) continue;
    try {
      // Decided by content, not by name: gzip (as published or re-compressed) or unpacked.
      return await verifyStored(file, bytes, joinPath(local.dir, name), ctx);
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
