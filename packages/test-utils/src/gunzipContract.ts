// The contract suite every Gunzip implementation passes (core's DecompressionStream gunzip, the Node platform's zlib one, any injected inflater).
import { FmnistError, type Gunzip } from '@fmnist/core';
import { describe, expect, it } from 'vitest';
import { fixtureRandom, gzipBytes, makeDatasetFiles } from './idxFixtures.ts';

/** Low-entropy bytes, so they compress well and inflate in several chunks. */
function lowEntropyBytes(length: number, seed: number): Uint8Array {
  const random = fixtureRandom(seed);
  return Uint8Array.from({ length }, () => Math.floor(random() * 16));
}

/** Byte equality without vitest's per-element deep diff, which is slow on large arrays. */
function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  expect(Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected)).toBe(true);
}

async function rejection(promise: Promise<unknown>): Promise<FmnistError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FmnistError);
    return error as FmnistError;
  }
  throw new Error('expected an FmnistError, the promise resolved');
}

/**
 * Registers the tests that a {@link Gunzip} must pass, as core's `Gunzip` type documents it:
 * exact round trips into a plain `Uint8Array` (one buffer of exactly `expectedBytes` when
 * given), empty payloads, concatenated members, and `FmnistError('INVALID_GZIP')` for a gzip
 * bomb past `maxOutputBytes`, truncated or corrupt data (with the underlying error as `cause`),
 * a forged size trailer, input that is not gzip, and output of another size than
 * `expectedBytes`. Run it once per implementation, e.g.
 * `describeGunzipContract('nodeGunzip', nodeGunzip)`.
 */
export function describeGunzipContract(name: string, gunzip: Gunzip): void {
  describe(`Gunzip contract: ${name}`, () => {
    const original = lowEntropyBytes(200_000, 1);
    const gz = gzipBytes(original);
    // A real IDX payload too: an image file of 200 28x28 images.
    const { imagesIdx } = makeDatasetFiles({ count: 200, seed: 4 });
    const imagesGz = gzipBytes(imagesIdx);

    it('round-trips into a plain Uint8Array', async () => {
      for (const [input, expected] of [
        [gz, original],
        [imagesGz, imagesIdx],
      ] as const) {
        const out = await gunzip(input);
        expectBytes(out, expected);
        expect(out).toBeInstanceOf(Uint8Array);
        expect(Buffer.isBuffer(out)).toBe(false);
      }
    });

    it('fills one buffer of exactly expectedBytes when it is given', async () => {
      for (const [input, expected] of [
        [gz, original],
        [imagesGz, imagesIdx],
      ] as const) {
        const out = await gunzip(input, { expectedBytes: expected.length });
        expectBytes(out, expected);
        expect(Buffer.isBuffer(out)).toBe(false);
        expect([out.byteOffset, out.buffer.byteLength]).toEqual([0, expected.length]);
      }
    });

    it('inflates empty payloads', async () => {
      expect(await gunzip(gzipBytes(new Uint8Array(0)))).toEqual(new Uint8Array(0));
      expect(await gunzip(gzipBytes(new Uint8Array(0)), { expectedBytes: 0 })).toEqual(
        new Uint8Array(0),
      );
    });

    it('inflates concatenated gzip members one after another', async () => {
      const second = lowEntropyBytes(50_000, 2);
      const multi = Buffer.concat([gz, gzipBytes(second)]);
      const expected = Buffer.concat([original, second]);
      // The trailer only describes the last member, so a size hint from it is wrong here.
      expectBytes(await gunzip(multi), expected);
      expectBytes(await gunzip(multi, { expectedBytes: expected.length }), expected);
    });

    it('stops a gzip bomb at maxOutputBytes with INVALID_GZIP naming the limit', async () => {
      const bomb = gzipBytes(new Uint8Array(50_000_000), 9);
      expect(bomb.length).toBeLessThan(100_000);
      const error = await rejection(gunzip(bomb, { maxOutputBytes: 1_000_000 }));
      expect(error.code).toBe('INVALID_GZIP');
      expect(error.message).toMatch(/inflated past 1000000 bytes/);
      expect(error.details).toMatchObject({ reason: 'max-output' });
      const small = await rejection(gunzip(imagesGz, { maxOutputBytes: 1000 }));
      expect(small.code).toBe('INVALID_GZIP');
      expect(small.message).toContain('1000');
    });

    it('rejects truncated gzip as corrupt, with the underlying error as cause', async () => {
      for (const input of [gz, imagesGz]) {
        for (const cut of [input.length - 1, input.length - 8, input.length >> 1, 12]) {
          const error = await rejection(gunzip(input.subarray(0, cut)));
          expect(error.code).toBe('INVALID_GZIP');
          expect(error.message).toMatch(/corrupt or truncated/i);
          expect(error.cause).toBeInstanceOf(Error);
        }
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

    it('does not trust a forged ISIZE trailer', async () => {
      const forged = gz.slice();
      forged.set([0xff, 0xff, 0xff, 0x3f], forged.length - 4);
      expect((await rejection(gunzip(forged))).code).toBe('INVALID_GZIP');
    });

    it('rejects input that is not gzip with INVALID_GZIP', async () => {
      expect((await rejection(gunzip(imagesIdx.subarray(0, 1000)))).code).toBe('INVALID_GZIP');
    });

    it('rejects output that differs from expectedBytes', async () => {
      for (const [input, expected] of [
        [gz, original],
        [imagesGz, imagesIdx],
      ] as const) {
        const size = expected.length;
        const over = await rejection(gunzip(input, { expectedBytes: size - 1 }));
        expect(over.code).toBe('INVALID_GZIP');
        expect(over.message).toMatch(new RegExp(`past the expected ${size - 1} bytes`));
        for (const extra of [1, 5]) {
          const under = await rejection(gunzip(input, { expectedBytes: size + extra }));
          expect(under.code).toBe('INVALID_GZIP');
          expect(under.message).toMatch(
            new RegExp(`inflated to ${size} bytes but ${size + extra} were expected`),
          );
          expect(under.details).toMatchObject({
            expectedBytes: size + extra,
            actualBytes: size,
          });
        }
      }
    });
  });
}
