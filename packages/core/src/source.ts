// What every source of a dataset file (local directory, cache, mirrors) is given, and what it hands the loader: verified bytes and where they came from.

import type { DataDirChoice } from './dataDir.ts';
import type { DatasetDescriptor, DatasetFile } from './datasets.ts';
import type { DownloadOptions } from './download.ts';
import type { ByteCache, Platform } from './platform.ts';
import type { ProgressListener } from './progress.ts';
import { verifyWithProgress } from './verify.ts';

/** Bytes a source found and verified. */
export interface FoundFile {
  /** The file as stored: gzip or (from a local directory) unpacked. */
  bytes: Uint8Array;
  /** The URL, local path or `cache:` key, for progress events and messages. */
  source: string;
  /** 1-based download attempt that produced the bytes; 0 for local and cached files. */
  attempt: number;
}

/** What the sources of one load share. */
export interface SourceContext {
  /** The dataset being loaded. */
  descriptor: DatasetDescriptor;
  /** Host services (sha256, local reads, fetch). */
  platform: Platform;
  /** The cache to read and fill, if any. */
  cache: ByteCache | undefined;
  /** The local directory that applies, if any. */
  local: DataDirChoice | undefined;
  /** The download options of the load. */
  download: DownloadOptions;
  /** Aborts every source of this load. */
  signal: AbortSignal;
  /** Receives progress; never throws. */
  progress: ProgressListener;
}

/**
 * Verifies bytes a source read from storage (a local directory or the cache: attempt 0), with the
 * load's progress events, and hands them over as a {@link FoundFile}.
 *
 * @throws FmnistError as {@link verifyWithProgress} (`CHECKSUM_MISMATCH` for other bytes).
 */
export async function verifyStored(
  file: DatasetFile,
  bytes: Uint8Array,
  source: string,
  ctx: SourceContext,
): Promise<FoundFile> {
  await verifyWithProgress(file, bytes, ctx.platform, {
    source,
    attempt: 0,
    progress: ctx.progress,
  });
  return { bytes, source, attempt: 0 };
}
