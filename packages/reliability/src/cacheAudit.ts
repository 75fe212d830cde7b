// After every case, the cache directory is checked file by file: a file under a final name
// must be one the descriptors know and must match its sha256 (or size, without one). Anything
// else could pass for valid to a reader that trusts names, so it counts as corrupt.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { DatasetDescriptor, DatasetFile } from '@fmnist/core';

/** What {@link auditCache} found. */
export interface CacheAudit {
  /** Files under final names that match their descriptor. */
  valid: string[];
  /** Files under final names that do not match, or that no descriptor knows (paths relative to the cache). */
  corrupt: string[];
  /** Leftover `*.tmp` files: never read by fsCache, swept later, harmless. */
  temp: string[];
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The bytes inflated when they are gzip, else as they are; unreadable gzip stays as it is. */
function inflate(bytes: Uint8Array, limit: number): Uint8Array {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    // Bounded: a hostile case may leave a gzip bomb in the cache.
    return gunzipSync(bytes, { maxOutputLength: Math.max(1, limit) });
  } catch {
    return bytes;
  }
}

async function walk(dir: string, base = dir): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    // A missing cache is an empty one; an unreadable one is the case's business.
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') return [];
    throw error;
  }
  const out: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full, base)));
    else out.push(path.relative(base, full));
  }
  return out;
}

function findFile(
  descriptors: readonly DatasetDescriptor[],
  datasetId: string,
  name: string,
): DatasetFile | undefined {
  for (const descriptor of descriptors) {
    if (descriptor.id !== datasetId) continue;
    const file = (Object.values(descriptor.files) as DatasetFile[]).find((f) => f.name === name);
    if (file) return file;
  }
  return undefined;
}

/**
 * Checks every file below `dir` (a cache laid out as `dir/<dataset>/<file>`) against the
 * descriptors. Directories standing where a file should be are ignored (they cannot pass for a
 * file).
 */
export async function auditCache(
  dir: string,
  descriptors: readonly DatasetDescriptor[],
): Promise<CacheAudit> {
  const audit: CacheAudit = { valid: [], corrupt: [], temp: [] };
  for (const rel of await walk(dir)) {
    if (rel.endsWith('.tmp')) {
      audit.temp.push(rel);
      continue;
    }
    const parts = rel.split(path.sep);
    const file = parts.length === 2 ? findFile(descriptors, parts[0], parts[1]) : undefined;
    if (!file) {
      audit.corrupt.push(rel);
      continue;
    }
    const full = path.join(dir, rel);
    // A symbolic link loop or a FIFO cannot pass for a file either (and is never read).
    const info = await stat(full).catch(() => undefined);
    if (!info?.isFile()) continue;
    let bytes: Uint8Array;
    try {
      bytes = await readFile(full);
    } catch {
      // Unreadable to us (a deliberately broken file): it cannot pass for valid either.
      continue;
    }
    // What the loader accepts: the published sha256, or (a body a server sent gzip-encoded, a
    // re-compressed copy) the inflated bytes' rawSha256.
    const digest = sha256(bytes);
    const inflated = file.rawSha256
      ? sha256(inflate(bytes, file.rawBytes ?? 64 * 1024 * 1024))
      : undefined;
    const ok = file.sha256
      ? digest === file.sha256.toLowerCase() || inflated === file.rawSha256?.toLowerCase()
      : bytes.length === file.bytes;
    (ok ? audit.valid : audit.corrupt).push(rel);
  }
  return audit;
}
