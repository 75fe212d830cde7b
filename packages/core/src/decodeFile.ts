// Decoding one verified file of a split under the size limit its descriptor implies, so that a gzip bomb stops after megabytes.
import type { DatasetDescriptor, DatasetFile, Split } from './datasets.ts';
import { DEFAULT_MAX_OUTPUT_BYTES, isGzip } from './gzip.ts';
import { decodeIdx } from './idx.ts';
import type { IdxArray } from './idxTypes.ts';
import type { Platform } from './platform.ts';
import type { ProgressListener } from './progress.ts';
import type { FoundFile } from './source.ts';

/**
 * The most bytes a file of this split may inflate to when the descriptor has no `rawBytes`: twice
 * the IDX size its `counts` and `imageShape` imply, and at least 1 MiB, so a slightly wrong count
 * still loads while a gzip bomb (a few kB that inflate to gigabytes) is stopped after megabytes
 * instead of at the generic 1 GiB limit. Undefined when the descriptor's counts are unusable.
 */
export function inflateLimit(
  descriptor: DatasetDescriptor,
  split: Split,
  kind: 'images' | 'labels',
): number | undefined {
  const count = descriptor.counts?.[split];
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) return undefined;
  const [height, width] = descriptor.imageShape;
  const idxBytes = kind === 'images' ? 16 + count * height * width : 8 + count;
  return Math.min(DEFAULT_MAX_OUTPUT_BYTES, Math.max(2 * idxBytes, 1024 * 1024));
}

/**
 * Decodes a found file into its IDX array, reporting `decode` progress (0, then the IDX size).
 * The descriptor bounds what the file may inflate to: its exact `rawBytes`, else `maxRawBytes`
 * (see {@link inflateLimit}). A file that passed its sha256 can still be hostile if the
 * descriptor's author was careless or malicious (a user-registered dataset).
 */
export async function decodeFound(
  file: DatasetFile,
  found: FoundFile,
  platform: Pick<Platform, 'gunzip'>,
  progress: ProgressListener,
  maxRawBytes: number | undefined,
): Promise<IdxArray> {
  const packed = isGzip(found.bytes);
  const total = packed ? file.rawBytes : found.bytes.length;
  const event = { file: file.name, url: found.source, total, attempt: found.attempt };
  progress({ ...event, loaded: 0, phase: 'decode' });
  const limits = !packed
    ? {}
    : file.rawBytes
      ? { expectedBytes: file.rawBytes, maxOutputBytes: file.rawBytes }
      : maxRawBytes !== undefined
        ? { maxOutputBytes: maxRawBytes }
        : {};
  const idx = await decodeIdx(found.bytes, { gunzip: platform.gunzip, ...limits });
  // The IDX file's size: a 4-byte magic, 4 bytes per dimension, then the body.
  progress({ ...event, loaded: 4 + 4 * idx.shape.length + idx.data.byteLength, phase: 'decode' });
  return idx;
}
