import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  fixtureRandom,
  gzipBytes,
  makeDatasetFiles,
  makeIdx,
  realDataDir,
} from '@fmnist/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FmnistError } from '../src/errors.ts';
import { DEFAULT_MAX_OUTPUT_BYTES, decodeIdx, type Gunzip, gunzip, isGzip } from '../src/gzip.ts';
import { parseIdx } from '../src/idx.ts';

const randomBytes = (length: number, seed = 1) => {
  const random = fixtureRandom(seed);
  // Low-entropy bytes, so they compress and inflate in several chunks.
  return Uint8Array.from({ length }, () => Math.floor(random() * 16));
};

/** Byte equality without vitest's per-element deep diff, which is slow on large arrays. */
const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  expect(Buffer.from(a.buffer, a.byteOffset, a.length).equals(b)).toBe(true);

async function rejection(promise: Promise<unknown>): Promise<FmnistError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FmnistError);
    return error as FmnistError;
  }
  throw new Error('expected an FmnistError, the promise resolved');
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('isGzip', () => {
  it('detects the gzip magic 1f 8b 08', () => {
    expect(isGzip(gzipBytes(new Uint8Array(3)))).toBe(true);
    expect(isGzip(new Uint8Array([0x1f, 0x8b, 0x08]))).toBe(true);
    expect(isGzip(makeIdx('uint8', [4]))).toBe(false);
    expect(isGzip(new Uint8Array([0x1f, 0x8b]))).toBe(false);
    expect(isGzip(new Uint8Array([0x1f, 0x8b, 0x00]))).toBe(false);
    expect(isGzip(new Uint8Array(0))).toBe(false);
  });
});

describe('gunzip', () => {
  const original = randomBytes(200_000);
  const gz = gzipBytes(original);

  it('round-trips, sizing the output from the ISIZE trailer', async () => {
    const out = await gunzip(gz);
    sameBytes(out, original);
    expect(out.buffer.byteLength).toBe(original.length);
  });

  it('fills one preallocated buffer when expectedBytes is given', async () => {
    const out = await gunzip(gz, { expectedBytes: original.length });
    sameBytes(out, original);
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(original.length);
  });

  it('inflates empty payloads', async () => {
    expect(await gunzip(gzipBytes(new Uint8Array(0)))).toEqual(new Uint8Array(0));
    expect(await gunzip(gzipBytes(new Uint8Array(0)), { expectedBytes: 0 })).toEqual(
      new Uint8Array(0),
    );
  });

  it('inflates concatenated gzip members one after another', async () => {
    const second = randomBytes(50_000, 2);
    const multi = Buffer.concat([gz, gzipBytes(second)]);
    const expected = Buffer.concat([original, second]);
    // The trailer only describes the last member, so the size hint is wrong here.
    sameBytes(await gunzip(multi), expected);
    sameBytes(await gunzip(multi, { expectedBytes: expected.length }), expected);
  });

  it('stops a gzip bomb at maxOutputBytes', async () => {
    const bomb = gzipBytes(new Uint8Array(50_000_000), 9);
    expect(bomb.length).toBeLessThan(100_000);
    const error = await rejection(gunzip(bomb, { maxOutputBytes: 1_000_000 }));
    expect(error.code).toBe('INVALID_GZIP');
    expect(error.message).toMatch(/inflated past 1000000 bytes/);
    expect(error.details).toMatchObject({ reason: 'max-output', maxOutputBytes: 1_000_000 });
  });

  it('defaults maxOutputBytes to 1 GiB', () => {
    expect(DEFAULT_MAX_OUTPUT_BYTES).toBe(2 ** 30);
  });

  it('rejects truncated gzip with the stream error as cause', async () => {
    for (const cut of [gz.length - 1, gz.length - 8, gz.length >> 1, 12]) {
      const error = await rejection(gunzip(gz.subarray(0, cut)));
      expect(error.code).toBe('INVALID_GZIP');
      expect(error.message).toMatch(/corrupt or truncated/i);
      expect(error.cause).toBeInstanceOf(Error);
    }
  });

  it('rejects corrupt gzip (bad deflate data, bad CRC)', async () => {
    const corrupt = gz.slice();
    corrupt[40] ^= 0xff;
    corrupt[41] ^= 0x55;
    expect((await rejection(gunzip(corrupt))).code).toBe('INVALID_GZIP');
    const badCrc = gz.slice();
    badCrc[badCrc.length - 6] ^= 0xff;
    const error = await rejection(gunzip(badCrc));
    expect(error.code).toBe('INVALID_GZIP');
    expect(error.cause).toBeDefined();
  });

  it('does not trust a forged ISIZE trailer for allocation', async () => {
    const forged = gz.slice();
    forged.set([0xff, 0xff, 0xff, 0x3f], forged.length - 4);
    const error = await rejection(gunzip(forged));
    expect(error.code).toBe('INVALID_GZIP');
  });

  it('rejects input without the gzip magic', async () => {
    const error = await rejection(gunzip(makeIdx('uint8', [4])));
    expect(error.code).toBe('INVALID_GZIP');
    expect(error.message).toMatch(/must start with 1f 8b, got "00 00"/);
  });

  it('rejects output that differs from expectedBytes', async () => {
    const over = await rejection(gunzip(gz, { expectedBytes: original.length - 1 }));
    expect(over.code).toBe('INVALID_GZIP');
    expect(over.message).toMatch(new RegExp(`past the expected ${original.length - 1} bytes`));
    const under = await rejection(gunzip(gz, { expectedBytes: original.length + 5 }));
    expect(under.code).toBe('INVALID_GZIP');
    expect(under.message).toMatch(
      new RegExp(`inflated to ${original.length} bytes but ${original.length + 5} were expected`),
    );
    expect(under.details).toMatchObject({
      expectedBytes: original.length + 5,
      actualBytes: original.length,
    });
  });

  it('rejects bad options with INVALID_ARGUMENT', async () => {
    for (const options of [
      { maxOutputBytes: -1 },
      { expectedBytes: 1.5 },
      { expectedBytes: 10, maxOutputBytes: 5 },
    ]) {
      expect((await rejection(gunzip(gz, options))).code).toBe('INVALID_ARGUMENT');
    }
  });

  it('explains a runtime without DecompressionStream', async () => {
    vi.stubGlobal('DecompressionStream', undefined);
    const error = await rejection(gunzip(gz));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/no DecompressionStream.*pass a gunzip function/);
  });
});

describe('decodeIdx', () => {
  const files = makeDatasetFiles({ count: 20, seed: 3 });

  it('inflates gzip IDX files and parses them', async () => {
    const images = await decodeIdx(files.imagesIdxGz);
    expect(images.type).toBe('uint8');
    expect(images.shape).toEqual([20, 28, 28]);
    sameBytes(images.data as Uint8Array, files.images);
    const labels = await decodeIdx(files.labelsIdxGz);
    expect(labels.shape).toEqual([20]);
    expect(labels.data).toEqual(files.labels);
  });

  it('parses raw IDX files directly', async () => {
    const images = await decodeIdx(files.imagesIdx);
    sameBytes(images.data as Uint8Array, files.images);
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
    const error = await rejection(decodeIdx(files.labelsIdxGz, { gunzip: failing }));
    expect(error.code).toBe('INVALID_GZIP');
    expect(error.message).toMatch(/unexpected end of file/);
    expect(error.cause).toBeInstanceOf(Error);
    const careless: Gunzip = async (bytes) => new Uint8Array(gunzipSync(bytes));
    const tooBig = await rejection(
      decodeIdx(files.imagesIdxGz, { gunzip: careless, maxOutputBytes: 100 }),
    );
    expect(tooBig.code).toBe('INVALID_GZIP');
  });

  it('stops a gzip bomb and reports bad inner IDX', async () => {
    const bomb = gzipBytes(new Uint8Array(20_000_000), 9);
    const error = await rejection(decodeIdx(bomb, { maxOutputBytes: 1 << 20 }));
    expect(error.code).toBe('INVALID_GZIP');
    const notIdx = await rejection(decodeIdx(gzipBytes(new Uint8Array([1, 2, 3, 4, 5]))));
    expect(notIdx.code).toBe('INVALID_IDX');
    expect(notIdx.message).toMatch(/magic/);
    const deep = await rejection(decodeIdx(gzipBytes(makeIdx('uint8', [1, 1, 1])), { maxRank: 2 }));
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
