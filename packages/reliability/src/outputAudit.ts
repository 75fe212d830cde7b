// After a CLI output case, every file under the output folder is checked by its format (CSV,
// .npy, PNG, IDX): a file that is cut short, holds NUL runs or an unknown name counts as corrupt,
// and a leftover `*.tmp` file as temp, in the same columns as the cache audit.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { inflateSync } from 'node:zlib';

/** What {@link auditOutputs} found. */
export interface OutputAudit {
  /** Complete files, relative to the folder, with what they hold (rows, items). */
  valid: { file: string; items: number }[];
  /** Files that are not a complete file of their format, with the reason. */
  corrupt: string[];
  /** Leftover temporary files or folders. */
  temp: string[];
}

async function walk(dir: string, base = dir): Promise<{ files: string[]; temp: string[] }> {
  const out = { files: [] as string[], temp: [] as string[] };
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return out;
    throw error;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const rel = path.relative(base, full);
    if (entry.name.endsWith('.tmp')) out.temp.push(rel);
    else if (entry.isDirectory()) {
      const inner = await walk(full, base);
      out.files.push(...inner.files);
      out.temp.push(...inner.temp);
    } else out.files.push(rel);
  }
  return out;
}

/** Rows of a complete `label,pixel0,...` CSV, or why it is not one. */
function checkCsv(bytes: Uint8Array): number | string {
  if (bytes.includes(0)) return 'NUL bytes';
  const text = Buffer.from(bytes).toString('latin1');
  if (!text.endsWith('\n')) return 'does not end with a newline';
  const lines = text.slice(0, -1).split('\n');
  const width = lines[0].split(',').length;
  if (!lines[0].startsWith('label,pixel0,')) return 'no header';
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(',');
    if (cells.length !== width) return `row ${i} has ${cells.length} of ${width} cells`;
    if (!cells.every((c) => /^\d{1,3}$/.test(c) && Number(c) < 256)) return `row ${i} is not bytes`;
  }
  return lines.length - 1;
}

/** Items of a complete uint8 .npy file, or why it is not one. */
function checkNpy(bytes: Uint8Array): number | string {
  const b = Buffer.from(bytes);
  if (b.length < 10 || b.subarray(0, 6).toString('latin1') !== '\x93NUMPY') return 'no npy magic';
  const headerLength = b.readUInt16LE(8);
  const header = b.subarray(10, 10 + headerLength).toString('latin1');
  const shape = /'shape': \(([\d, ]*)\)/.exec(header);
  if (!shape) return 'no shape in the header';
  const dims = shape[1]
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '')
    .map(Number);
  const items = dims.reduce((n, d) => n * d, 1);
  const data = b.length - 10 - headerLength;
  return data === items ? dims[0] : `${data} data bytes for shape (${dims.join(', ')})`;
}

/** Items of a complete uint8 IDX file, or why it is not one. */
function checkIdx(bytes: Uint8Array): number | string {
  const b = Buffer.from(bytes);
  if (b.length < 4 || b[0] !== 0 || b[1] !== 0 || b[2] !== 0x08) return 'no uint8 IDX magic';
  const rank = b[3];
  const dims = Array.from({ length: rank }, (_, i) => b.readUInt32BE(4 + 4 * i));
  const items = dims.reduce((n, d) => n * d, 1);
  const data = b.length - 4 - 4 * rank;
  return data === items ? dims[0] : `${data} data bytes for dims (${dims.join(', ')})`;
}

/** Pixels of a complete 8-bit PNG (gray or RGB), or why it is not one. */
function checkPng(bytes: Uint8Array): number | string {
  const b = Buffer.from(bytes);
  if (b.length < 8 || b.readUInt32BE(0) !== 0x89504e47) return 'no PNG signature';
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset + 8 <= b.length) {
    const length = b.readUInt32BE(offset);
    const type = b.subarray(offset + 4, offset + 8).toString('latin1');
    const data = b.subarray(offset + 8, offset + 8 + length);
    if (data.length !== length) return `${type} chunk cut short`;
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      channels = data[9] === 2 ? 3 : data[9] === 0 ? 1 : 0;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    offset += 12 + length;
  }
  if (!ended) return 'no IEND chunk';
  if (channels === 0) return 'not 8-bit gray or RGB';
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch {
    return 'IDAT does not inflate';
  }
  const expected = height * (1 + width * channels);
  return raw.length === expected ? width * height : `${raw.length} of ${expected} image bytes`;
}

/**
 * Checks every file below `dir` by its name: `*.csv`, `*.npy`, `*.png`, `*-ubyte` (IDX). Any
 * other name counts as corrupt (an output the command should not have left).
 */
export async function auditOutputs(dir: string): Promise<OutputAudit> {
  const audit: OutputAudit = { valid: [], corrupt: [], temp: [] };
  const { files, temp } = await walk(dir);
  audit.temp = temp;
  for (const file of files) {
    const bytes = new Uint8Array(await readFile(path.join(dir, file)));
    const check = file.endsWith('.csv')
      ? checkCsv
      : file.endsWith('.npy')
        ? checkNpy
        : file.endsWith('.png')
          ? checkPng
          : file.endsWith('-ubyte')
            ? checkIdx
            : () => 'not an output name';
    const result = check(bytes);
    if (typeof result === 'number') audit.valid.push({ file, items: result });
    else audit.corrupt.push(`${file} (${result})`);
  }
  return audit;
}
