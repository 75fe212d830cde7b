// The contract suite every ByteCache passes (core's memoryCache and fsCache, any user cache), as unstorage runs one suite against all its drivers.
import type { ByteCache } from '@fmnist/core';
import { describe, expect, it } from 'vitest';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

/**
 * Registers the tests that a {@link ByteCache} must pass, as core's `ByteCache` type documents
 * it: an absent key reads `undefined`; `set` stores a copy that later changes to the caller's
 * array do not reach and that `get` returns as a plain `Uint8Array`; `set` replaces; `remove`
 * deletes and tolerates an absent key; keys are independent; and concurrent writers of one key
 * leave one complete value, never a mix. `makeCache` is called before each test, so it may
 * depend on per-test state (a fresh temporary directory).
 */
export function describeCacheContract(
  name: string,
  makeCache: () => ByteCache | Promise<ByteCache>,
): void {
  describe(`ByteCache contract: ${name}`, () => {
    it('stores, reads, replaces and removes a key', async () => {
      const cache = await makeCache();
      expect(await cache.get('ds/a.gz')).toBeUndefined();
      await cache.set('ds/a.gz', bytes(1000, 7));
      const got = await cache.get('ds/a.gz');
      expect(got).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(got)).toBe(false);
      expect(got).toEqual(bytes(1000, 7));
      await cache.set('ds/a.gz', bytes(10, 9));
      expect(await cache.get('ds/a.gz')).toEqual(bytes(10, 9));
      await cache.remove('ds/a.gz');
      // Removing an absent key is not an error.
      await cache.remove('ds/a.gz');
      expect(await cache.get('ds/a.gz')).toBeUndefined();
    });

    it('keeps its own copy of the bytes it is given', async () => {
      const cache = await makeCache();
      const input = bytes(4, 1);
      await cache.set('ds/a', input);
      input[0] = 9;
      expect(await cache.get('ds/a')).toEqual(bytes(4, 1));
      await cache.remove('ds/a');
      expect(await cache.get('ds/a')).toBeUndefined();
    });

    it('keeps keys apart, also across datasets', async () => {
      const cache = await makeCache();
      await cache.set('ds/a.gz', bytes(3, 1));
      await cache.set('ds/b.gz', bytes(3, 2));
      await cache.set('other/a.gz', bytes(3, 3));
      expect(await cache.get('ds/a.gz')).toEqual(bytes(3, 1));
      expect(await cache.get('ds/b.gz')).toEqual(bytes(3, 2));
      expect(await cache.get('other/a.gz')).toEqual(bytes(3, 3));
      await cache.remove('ds/a.gz');
      expect(await cache.get('other/a.gz')).toEqual(bytes(3, 3));
    });

    it('stores empty values', async () => {
      const cache = await makeCache();
      await cache.set('ds/empty', new Uint8Array(0));
      expect(await cache.get('ds/empty')).toEqual(new Uint8Array(0));
    });

    it('keeps concurrent writers of one key from producing a mixed value', async () => {
      const a = await makeCache();
      const size = 2 * 1024 * 1024;
      await Promise.all([
        a.set('ds/big.gz', bytes(size, 1)),
        a.set('ds/big.gz', bytes(size, 2)),
        a.set('ds/big.gz', bytes(size, 3)),
      ]);
      const got = (await a.get('ds/big.gz'))!;
      expect(got.length).toBe(size);
      expect(got.every((v) => v === got[0])).toBe(true);
    });
  });
}
