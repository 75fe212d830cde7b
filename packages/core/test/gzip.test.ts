// gzip: isGzip, and the Gunzip contract run against both inflaters (core's DecompressionStream
// gunzip and the Node platform's zlib nodeGunzip), plus what only core's gunzip promises.
import { describeGunzipContract, fixtureRandom, gzipBytes, makeIdx } from '@fmnist/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_MAX_OUTPUT_BYTES, gunzip, isGzip } from '../src/gzip.ts';
import { nodeGunzip } from '../src/nodePlatform.ts';
import { expectSame, failure } from './helpers.ts';

const randomBytes = (length: number, seed = 1) => {
  const random = fixtureRandom(seed);
  // Low-entropy bytes, so they compress and inflate in several chunks.
  return Uint8Array.from({ length }, () => Math.floor(random() * 16));
};

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

describeGunzipContract('gunzip (DecompressionStream)', gunzip);
describeGunzipContract('nodeGunzip (node:zlib)', nodeGunzip);

describe('gunzip (DecompressionStream) beyond the contract', () => {
  const original = randomBytes(200_000);
  const gz = gzipBytes(original);

  it('sizes the output from the ISIZE trailer', async () => {
    const out = await gunzip(gz);
    expectSame(out, original);
    expect(out.buffer.byteLength).toBe(original.length);
  });

  it('names the limit in the details of a gzip bomb', async () => {
    const bomb = gzipBytes(new Uint8Array(50_000_000), 9);
    const error = await failure(gunzip(bomb, { maxOutputBytes: 1_000_000 }));
    expect(error.details).toMatchObject({ reason: 'max-output', maxOutputBytes: 1_000_000 });
  });

  it('defaults maxOutputBytes to 1 GiB', () => {
    expect(DEFAULT_MAX_OUTPUT_BYTES).toBe(2 ** 30);
  });

  it('says what input without the gzip magic starts with', async () => {
    const error = await failure(gunzip(makeIdx('uint8', [4])));
    expect(error.code).toBe('INVALID_GZIP');
    expect(error.message).toMatch(/must start with 1f 8b, got "00 00"/);
  });

  it('rejects bad options with INVALID_ARGUMENT', async () => {
    for (const options of [
      { maxOutputBytes: -1 },
      { expectedBytes: 1.5 },
      { expectedBytes: 10, maxOutputBytes: 5 },
    ]) {
      expect((await failure(gunzip(gz, options))).code).toBe('INVALID_ARGUMENT');
    }
  });

  it('explains a runtime without DecompressionStream', async () => {
    vi.stubGlobal('DecompressionStream', undefined);
    const error = await failure(gunzip(gz));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/no DecompressionStream.*pass a gunzip function/);
  });
});
