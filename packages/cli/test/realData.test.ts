// The real Fashion-MNIST (and MNIST) files from ../shared through the real binary. A missing
// data folder fails these tests (realDataDir throws): they never pass without the data.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PUBLISHED_FASHION_MNIST_CLASSES, realDataDir } from '@fmnist/test-utils';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellOrigin, gridLayout } from '../src/preview.ts';
import { FILES, fmnist, rawIdx, realTestSplit, removeDir, tempDir } from './helpers.ts';

// The published class names (test-utils' independent copy, not core's descriptor): the oracle
// the CLI's output is checked against.
const CLASSES = PUBLISHED_FASHION_MNIST_CLASSES;

let work: string;
let cacheDir: string;
const run = (args: string[], env?: Record<string, string | undefined>) =>
  fmnist(args, { cacheDir, env });

beforeAll(() => {
  realDataDir('fashion-mnist');
  work = tempDir('real');
  cacheDir = path.join(work, 'cache');
});
afterAll(() => removeDir(work));

describe('verify', () => {
  it('prints one OK line per file and exits 0 on the real data', async () => {
    const r = await run(['verify']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    for (const name of FILES) {
      expect(lines.some((l) => l.startsWith('OK') && l.includes(name))).toBe(true);
    }
    expect(lines).toHaveLength(5);
    expect(r.stdout).toContain('3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84');
  });
});

describe('info', () => {
  it('--json reports the published counts, class balance and pixel statistics', async () => {
    const r = await run(['info', '--json']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.dataset).toBe('fashion-mnist');
    expect(info.classNames).toEqual(CLASSES);
    expect(info.train.count).toBe(60000);
    expect(info.test.count).toBe(10000);
    expect(info.train.perClass).toEqual(new Array(10).fill(6000));
    expect(info.test.perClass).toEqual(new Array(10).fill(1000));
    expect(info.train.mean).toBeCloseTo(0.286, 4);
    expect(info.train.std).toBeCloseTo(0.353, 3);
    expect(info.test.mean).toBeCloseTo(0.2868, 3);
    const images = info.train.files.images;
    expect(images.path).toBe(path.join(realDataDir(), 'train-images-idx3-ubyte.gz'));
    expect(images.sha256).toBe(images.expectedSha256);
    expect(images.compressed).toBe(true);
  });

  it('prints a readable table', async () => {
    const r = await run(['info']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/train: 60000 images, pixel mean 0\.2860, std 0\.3530/);
    expect(r.stdout).toMatch(/test: 10000 images/);
    expect(r.stdout).toMatch(/9 {2}Ankle boot +1000/);
    expect(r.stdout).toContain('(ok)');
  });

  it('reads MNIST from FMNIST_MNIST_DIR, never from the Fashion-MNIST folder', async () => {
    const r = await run(['info', '--json', '--dataset', 'mnist'], {
      FMNIST_MNIST_DIR: realDataDir('mnist'),
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.dataset).toBe('mnist');
    expect(info.train.count).toBe(60000);
    expect(info.test.perClass.reduce((a: number, b: number) => a + b, 0)).toBe(10000);
    expect(info.train.mean).toBeCloseTo(0.1307, 4);
    expect(info.train.files.images.path.startsWith(realDataDir('mnist'))).toBe(true);
  });
});

describe('preview', () => {
  it('writes a PNG grid whose cells hold the images and a label under each', async () => {
    const out = path.join(work, 'preview', 'grid.png');
    const r = await run(['preview', '--out', out, '--count', '12', '--scale', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const png = PNG.sync.read(readFileSync(out));
    const labels = Array.from(realTestSplit().labels.subarray(0, 12), (l) => CLASSES[l]);
    const layout = gridLayout(12, [28, 28], 2, labels);
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    expect(layout.columns).toBe(4);
    const { images } = realTestSplit();
    const at = (x: number, y: number) =>
      png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3);
    for (let n = 0; n < 12; n++) {
      const { imageX, imageY, labelY } = cellOrigin(layout, n);
      // Every image pixel is the dataset pixel, scaled up 2x.
      let lit = 0;
      for (let y = 0; y < 56; y++) {
        for (let x = 0; x < 56; x++) {
          const v = images[n * 784 + (y >> 1) * 28 + (x >> 1)];
          expect(Array.from(at(imageX + x, imageY + y))).toEqual([v, v, v]);
          if (v > 0) lit++;
        }
      }
      expect(lit).toBeGreaterThan(50);
      // The label band under the image holds near-white text pixels, and nowhere else in the
      // cell's band is the background broken.
      let text = 0;
      const cellX = (n % layout.columns) * layout.cellWidth;
      for (let y = labelY; y < labelY + 8; y++) {
        for (let x = cellX; x < cellX + layout.cellWidth; x++) {
          if (at(x, y)[0] > 200) text++;
        }
      }
      expect(text).toBeGreaterThan(labels[n].replace(/ /g, '').length * 5);
    }
  });

  it('filters by class name and samples with a seed', async () => {
    const out = path.join(work, 'preview', 'sneakers.png');
    const r = await run([
      'preview',
      '--out',
      out,
      '--class',
      'sneaker',
      '--count',
      '9',
      '--seed',
      '7',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('9 test images of class Sneaker in a 3 x 3 grid');
    const again = await run([
      'preview',
      '--out',
      `${out}.2.png`,
      '--class',
      '7',
      '--count',
      '9',
      '--seed',
      '7',
    ]);
    expect(again.code).toBe(0);
    expect(readFileSync(`${out}.2.png`).equals(readFileSync(out))).toBe(true);
  });
});

describe('show', () => {
  it('draws test image 0 with half blocks and names its label', async () => {
    const plain = await run(['show', '0']);
    expect(plain.code).toBe(0);
    const lines = plain.stdout.split('\n');
    expect(lines[14]).toBe('fashion-mnist test #0: label 9 (Ankle boot)');
    expect(plain.stdout).not.toContain('\x1b[');
    expect(plain.stdout).toMatch(/[░▒▓█]/);
    const color = await run(['show', '0', '--color', 'always']);
    expect(color.code).toBe(0);
    const rows = color.stdout.split('\n').slice(0, 14);
    expect(rows.every((row) => (row.match(/▀/g) ?? []).length === 28)).toBe(true);
    expect(color.stdout).toContain('\x1b[38;5;');
    const truecolor = await run(['show', '1', '--split', 'train'], {
      FORCE_COLOR: '1',
      COLORTERM: 'truecolor',
    });
    expect(truecolor.stdout).toContain('\x1b[48;2;');
    expect(truecolor.stdout).toContain('train #1: label 0 (T-shirt/top)');
  });
});

describe('export', () => {
  const limit = 20;
  /** The first `limit` images of the test split. */
  const firstTest = ['--split', 'test', '--limit', String(limit)];

  it('png: <split>/<class>/<index>.png with the exact IDX pixels', async () => {
    const out = path.join(work, 'png');
    const r = await run(['export', '--format', 'png', '--out', out, ...firstTest]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { images, labels } = realTestSplit();
    const folders = readdirSync(path.join(out, 'test')).sort();
    expect(folders).toContain('T-shirt_top');
    expect(folders).toContain('Ankle_boot');
    for (let i = 0; i < limit; i++) {
      const file = path.join(
        out,
        'test',
        CLASSES[labels[i]].replace(/[^A-Za-z0-9._-]/g, '_'),
        `${i}.png`,
      );
      const png = PNG.sync.read(readFileSync(file));
      expect([png.width, png.height]).toEqual([28, 28]);
      const gray = Uint8Array.from({ length: 784 }, (_, p) => png.data[p * 4]);
      expect(Buffer.from(gray).equals(Buffer.from(images.subarray(i * 784, (i + 1) * 784)))).toBe(
        true,
      );
    }
    const total = folders.reduce((n, f) => n + readdirSync(path.join(out, 'test', f)).length, 0);
    expect(total).toBe(limit);
  });

  it('npy: uint8 arrays N x 28 x 28 and N whose bytes equal the IDX bodies', async () => {
    const out = path.join(work, 'npy');
    const r = await run(['export', '-f', 'npy', '-o', out, ...firstTest]);
    expect(r.code).toBe(0);
    const { images, labels } = realTestSplit();
    const parse = (file: string) => {
      const bytes = readFileSync(path.join(out, file));
      expect(
        bytes.subarray(0, 8).equals(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0])),
      ).toBe(true);
      const headerLength = bytes.readUInt16LE(8);
      expect((10 + headerLength) % 64).toBe(0);
      const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
      expect(header.endsWith('\n')).toBe(true);
      return { header, data: bytes.subarray(10 + headerLength) };
    };
    const img = parse('test-images.npy');
    expect(img.header).toContain("'descr': '|u1'");
    expect(img.header).toContain("'fortran_order': False");
    expect(img.header).toContain(`'shape': (${limit}, 28, 28)`);
    expect(img.data.equals(Buffer.from(images.subarray(0, limit * 784)))).toBe(true);
    const lab = parse('test-labels.npy');
    expect(lab.header).toContain(`'shape': (${limit},)`);
    expect(lab.data.equals(Buffer.from(labels.subarray(0, limit)))).toBe(true);
  });

  it('csv: a label,pixel0..pixel783 header and one row per image', async () => {
    const out = path.join(work, 'csv');
    const r = await run(['export', '-f', 'csv', '-o', out, '--split', 'test', '--limit', '3']);
    expect(r.code).toBe(0);
    const lines = readFileSync(path.join(out, 'test.csv'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const header = lines[0].split(',');
    expect(header).toHaveLength(785);
    expect(header[0]).toBe('label');
    expect(header[1]).toBe('pixel0');
    expect(header[784]).toBe('pixel783');
    const { images, labels } = realTestSplit();
    const first = lines[1].split(',').map(Number);
    expect(first[0]).toBe(labels[0]);
    expect(first.slice(1)).toEqual(Array.from(images.subarray(0, 784)));
  });

  it('idx: plain uncompressed IDX equal to the published files cut to --limit', async () => {
    const out = path.join(work, 'idx');
    const r = await run(['export', '-f', 'idx', '-o', out, '--limit', String(limit)]);
    expect(r.code).toBe(0);
    for (const [name, header, item] of [
      ['t10k-images-idx3-ubyte', 16, 784],
      ['t10k-labels-idx1-ubyte', 8, 1],
      ['train-images-idx3-ubyte', 16, 784],
      ['train-labels-idx1-ubyte', 8, 1],
    ] as const) {
      const written = readFileSync(path.join(out, name));
      const original = rawIdx(`${name}.gz`);
      expect(written.length).toBe(header + limit * item);
      expect(written.readUInt32BE(0)).toBe(Buffer.from(original).readUInt32BE(0));
      expect(written.readUInt32BE(4)).toBe(limit);
      expect(written.subarray(8, header).equals(Buffer.from(original.subarray(8, header)))).toBe(
        true,
      );
      expect(
        written
          .subarray(header)
          .equals(Buffer.from(original.subarray(header, header + limit * item))),
      ).toBe(true);
    }
  });
});
