// browserCache in Chromium: the ByteCache contract on Cache Storage and IndexedDB, a reload that reads the data with zero requests, a tampered entry replaced, a full quota that loads on, clear and size.
import { describeCacheContract } from '@fmnist/test-utils';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descriptor, test as fixture } from './loadFixtures.ts';
import { FIXTURE_FILES, inPage, openPage, useSiteServer, useViteSite } from './viteSite.ts';

const site = useViteSite({ fixture: FIXTURE_FILES });
const server = useSiteServer(site, 'dev');
let contractPage: Page;

beforeAll(async () => {
  contractPage = (await openPage(site.browser, server.url)).page;
}, 120_000);

afterAll(async () => {
  await contractPage?.context().close();
});

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

for (const storage of ['cache-storage', 'indexeddb'] as const) {
  let n = 0;
  describeCacheContract(`browserCache (${storage}, in Chromium)`, () => {
    // A fresh cache per test; every call runs in the page, bytes travel as base64.
    const name = `contract-${storage}-${n++}`;
    const call = (method: 'get' | 'set' | 'remove', key: string, bytes?: string) =>
      contractPage.evaluate(
        async ({ storage, name, method, key, bytes }) => {
          const cache = window.core.browserCache({ storage, name });
          if (method === 'set') {
            const raw = atob(bytes!);
            await cache.set(
              key,
              Uint8Array.from(raw, (c) => c.charCodeAt(0)),
            );
            return null;
          }
          if (method === 'remove') {
            await cache.remove(key);
            return null;
          }
          const got = await cache.get(key);
          if (got === undefined) return undefined;
          if (!(got instanceof Uint8Array)) return 'not a Uint8Array';
          let text = '';
          for (let i = 0; i < got.length; i += 0x8000) {
            text += String.fromCharCode(...got.subarray(i, i + 0x8000));
          }
          return btoa(text);
        },
        { storage, name, method, key, bytes },
      );
    return {
      get: async (key) => {
        const got = await call('get', key);
        if (got === 'not a Uint8Array') throw new Error(got);
        return got === undefined || got === null
          ? undefined
          : new Uint8Array(Buffer.from(got, 'base64'));
      },
      set: async (key, bytes) => void (await call('set', key, b64(bytes))),
      remove: async (key) => void (await call('remove', key)),
    };
  });
}

/** Loads the fixture test split in the page with the default platform (browserCache). */
function loadFixture(page: Page, options: { storage?: 'indexeddb' } = {}) {
  return page.evaluate(
    async ({ dataset, storage }) => {
      const { loadDataset, browserCache } = window.core;
      const sources: string[] = [];
      const split = await loadDataset({
        dataset,
        split: 'test',
        mirrors: ['./fixture/'],
        ...(storage ? { cache: browserCache({ storage }) } : {}),
        onProgress: (p) => {
          if (p.phase === 'decode' && p.loaded === 0) sources.push(p.url);
        },
      });
      return { count: split.count, labels: Array.from(split.labels), sources: sources.sort() };
    },
    { dataset: descriptor('fixture-ds'), storage: options.storage },
  );
}

describe('the default browser platform caches in browserCache', () => {
  it('reads the data with zero requests after a reload, and replaces a tampered entry', async () => {
    await inPage(site, server, async ({ page }) => {
      server.resetCounts();
      const first = await loadFixture(page);
      expect(first.count).toBe(20);
      expect(first.labels).toEqual(Array.from(fixture.labels));
      expect(Object.fromEntries(server.counts)).toEqual({
        'fixture/test-images.gz': 1,
        'fixture/test-labels.gz': 1,
      });
      const size = await page.evaluate(() => window.core.browserCache().size());
      expect(size.entries).toBe(2);
      expect(size.keys.map((k) => k.key)).toEqual([
        'fixture-ds/test-images.gz',
        'fixture-ds/test-labels.gz',
      ]);
      // vite sent them gzip-encoded: what arrived, and was kept, is the inflated IDX.
      expect(size.bytes).toBe(fixture.imagesIdx.length + fixture.labelsIdx.length);

      server.resetCounts();
      await page.reload();
      await page.waitForFunction(() => 'coreReady' in window);
      const second = await loadFixture(page);
      expect(second.labels).toEqual(first.labels);
      expect(second.sources).toEqual([
        'cache:fixture-ds/test-images.gz',
        'cache:fixture-ds/test-labels.gz',
      ]);
      expect(Object.fromEntries(server.counts)).toEqual({});

      // Damage one entry behind the loader's back: the next load notices and downloads it again.
      await page.evaluate(() =>
        window.core.browserCache().set('fixture-ds/test-images.gz', new Uint8Array([1, 2, 3])),
      );
      server.resetCounts();
      await page.reload();
      await page.waitForFunction(() => 'coreReady' in window);
      const third = await loadFixture(page);
      expect(third.labels).toEqual(first.labels);
      expect(Object.fromEntries(server.counts)).toEqual({ 'fixture/test-images.gz': 1 });
      const repaired = await page.evaluate(
        async () => (await window.core.browserCache().get('fixture-ds/test-images.gz'))?.length,
      );
      expect(repaired).toBe(fixture.imagesIdx.length);

      await page.evaluate(() => window.core.browserCache().clear());
      expect((await page.evaluate(() => window.core.browserCache().size())).entries).toBe(0);
    });
  }, 120_000);

  it('caches in IndexedDB where asked, across a reload', async () => {
    await inPage(site, server, async ({ page }) => {
      server.resetCounts();
      await loadFixture(page, { storage: 'indexeddb' });
      expect(server.counts.size).toBe(2);
      server.resetCounts();
      await page.reload();
      await page.waitForFunction(() => 'coreReady' in window);
      const again = await loadFixture(page, { storage: 'indexeddb' });
      expect(again.sources).toEqual([
        'cache:fixture-ds/test-images.gz',
        'cache:fixture-ds/test-labels.gz',
      ]);
      expect(server.counts.size).toBe(0);
    });
  }, 120_000);

  it('loads on without caching when the quota is full, and set says CACHE_IO', async () => {
    await inPage(site, server, async ({ context, page }) => {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Storage.overrideQuotaForOrigin', {
        origin: new URL(server.url).origin,
        quotaSize: 16,
      });
      const loaded = await loadFixture(page);
      expect(loaded.count).toBe(20);
      const refused = await page.evaluate(async () => {
        const { browserCache, isFmnistError } = window.core;
        try {
          await browserCache().set('fixture-ds/big', new Uint8Array(1 << 20));
          return 'stored';
        } catch (e) {
          return isFmnistError(e, 'CACHE_IO') ? e.details : String(e);
        }
      });
      expect(refused).toMatchObject({ reason: 'quota', continueWithoutCache: true });
      expect((await page.evaluate(() => window.core.browserCache().size())).entries).toBe(0);
    });
  }, 120_000);

  it('loads without any cache with cache: false', async () => {
    await inPage(site, server, async ({ page }) => {
      const stored = await page.evaluate(async (dataset) => {
        const { loadDataset, browserPlatform, browserCache } = window.core;
        await loadDataset({
          dataset,
          split: 'test',
          mirrors: ['./fixture/'],
          platform: browserPlatform({ cache: false }),
        });
        await loadDataset({ dataset, split: 'test', mirrors: ['./fixture/'], cache: false });
        return (await browserCache().size()).entries;
      }, descriptor('fixture-ds'));
      expect(stored).toBe(0);
    });
  }, 60_000);
});
