// Reading a package tarball (gzip + tar with pax headers) into its file list.
import { gunzipSync } from 'node:zlib';

/** One regular file of a package tarball, its path without the leading `package/`. */
export interface TarballFile {
  path: string;
  data: Uint8Array;
}

function text(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return Buffer.from(end === -1 ? field : field.subarray(0, end)).toString('utf8');
}

/** Path overrides from a pax extended header (`<length> path=<value>\n` records). */
function paxPath(body: Uint8Array): string | undefined {
  const records = Buffer.from(body).toString('utf8');
  let offset = 0;
  while (offset < records.length) {
    const space = records.indexOf(' ', offset);
    if (space === -1) break;
    const length = Number.parseInt(records.slice(offset, space), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = records.slice(space + 1, offset + length - 1);
    const equals = record.indexOf('=');
    if (record.slice(0, equals) === 'path') return record.slice(equals + 1);
    offset += length;
  }
  return undefined;
}

/**
 * The regular files of a gzipped npm tarball (`pnpm pack`/`npm pack` output), in archive order.
 * A small ustar reader (with pax and GNU long names) so the checks need no `tar` binary.
 */
export function readTarball(gz: Uint8Array): TarballFile[] {
  const tar = gunzipSync(gz);
  const files: TarballFile[] = [];
  let offset = 0;
  let nextPath: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const size = Number.parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const magic = text(header, 257, 6);
    const prefix = magic.startsWith('ustar') ? text(header, 345, 155) : '';
    const name = prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      nextPath = paxPath(body) ?? nextPath;
    } else if (type === 'L') {
      nextPath = text(body, 0, body.length);
    } else if (type === '0' || type === '7') {
      const full = nextPath ?? name;
      files.push({ path: full.replace(/^[^/]+\//, ''), data: new Uint8Array(body) });
      nextPath = undefined;
    } else {
      nextPath = undefined;
    }
  }
  return files;
}
