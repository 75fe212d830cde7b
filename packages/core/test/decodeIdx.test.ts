// decodeIdx: IDX files that may be gzipped, inflated under limits (also with an injected
// inflater) and parsed; and the real Fashion-MNIST training files.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { gzipBytes, makeDatasetFiles, makeIdx, realDataDir } from '@fmnist/test-utils';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_OUTPUT_BYTES, type Gunzip } from '../src/gzip.ts';
import { decodeIdx, parseIdx } from '../src/idx.ts';
import { expectSame, failure } from './helpers.ts';

describe('decodeIdx', () => {
  const files = makeDatasetFiles({ count: 20, seed: 3 });

  it('inflates gzip IDX files and parses them', async () => {
    const images = await decodeIdx(files.imagesIdxGz);
    expect(images.type).toBe('uint8');
    expect(images.shape).toEqual([20, 28, 28]);
    expectSame(images.data as Uint8Array, files.images);
    const labels = await decodeIdx(files.labelsIdxGz);
    expect(labels.shape).toEqual([20]);
    expect(labels.data).toEqual(files.labels);
  });

  it('parses raw IDX files directly', async () => {
    const images = await decodeIdx(files.imagesIdx);
    expectSame(images.data as Uint8Array, files.images);
    expect(images.data.buffer).toBe(files.imagesIdx.buffer);
  });

  it('gz bytes fed to parseIdx fail clearly instead of yielding a wrong count', () => {
    expect(() => parseIdx(files.imagesIdxGz)).toThrow(/this is gzip.*use decodeIdx/);
  });

  it('uses an injected gunzip with the limits', async () => {
    const calls: unknown[] = [];
    const zlibGunzip: Gunzip = async (bytes, options) => {
      calls.push(options);
      return new Uint8Array(gunzipSync(bytes));
    };
    const labels = await decodeIdx(files.labelsIdxGz, {
      gunzip: zlibGunzip,
      maxOutputBytes: 1000,
      expectedBytes: files.labelsIdx.length,
    });
    expect(labels.data).toEqual(files.labels);
    expect(calls).toEqual([{ maxOutputBytes: 1000, expectedBytes: files.labelsIdx.length }]);
    await decodeIdx(files.labelsIdxGz, { gunzip: zlibGunzip });
    expect(calls[1]).toEqual({
      maxOutputBytes: DEFAULT_MAX_OUTPUT_BYTES,
      expectedBytes: undefined,
    });
  });

  it('wraps a failing injected gunzip as INVALID_GZIP and re-checks its output size', async () => {
    const failing: Gunzip = async () => {
      throw new Error('zlib: unexpected end of file');
    };
    const error = await failure(decodeIdx(files.labelsIdxGz, { gunzip: failing }));
    expect(error.code).toBe('INVALID_GZIP');
    expect(error.message).toMatch(/unexpected end of file/);
    expect(error.cause).toBeInstanceOf(Error);
    const careless: Gunzip = async (bytes) => new Uint8Array(gunzipSync(bytes));
    const tooBig = await failure(
      decodeIdx(files.imagesIdxGz, { gunzip: careless, maxOutputBytes: 100 }),
    );
    expect(tooBig.code).toBe('INVALID_GZIP');
  });

  it('stops a gzip bomb and reports bad inner IDX', async () => {
    const bomb = gzipBytes(new Uint8Array(20_000_000), 9);
    const error = await failure(decodeIdx(bomb, { maxOutputBytes: 1 << 20 }));
    expect(error.code).toBe('INVALID_GZIP');
    const notIdx = await failure(decodeIdx(gzipBytes(new Uint8Array([1, 2, 3, 4, 5]))));
    expect(notIdx.code).toBe('INVALID_IDX');
    expect(notIdx.message).toMatch(/magic/);
    const deep = await failure(decodeIdx(gzipBytes(makeIdx('uint8', [1, 1, 1])), { maxRank: 2 }));
    expect(deep.message).toMatch(/maxRank 2/);
  });
});

describe('decodeIdx on the real Fashion-MNIST files', () => {
  it('decodes all 47,040,000 training pixels, not the 26M compressed bytes', async () => {
    // realDataDir throws when the files are missing: this must never pass without the data.
    const realDir = realDataDir();
    const gz = new Uint8Array(readFileSync(path.join(realDir, 'train-images-idx3-ubyte.gz')));
    expect(() => parseIdx(gz)).toThrow(/gzip/);
    const images = await decodeIdx(gz);
    expect(images.shape).toEqual([60000, 28, 28]);
    expect(images.data.length).toBe(47_040_000);
    const labels = await decodeIdx(
      new Uint8Array(readFileSync(path.join(realDir, 'train-labels-idx1-ubyte.gz'))),
    );
    expect(labels.shape).toEqual([60000]);
    expect(Math.max(...labels.data)).toBe(9);
  });
});
