// Any static server works: loadDataset in Chromium behind a real `vite` dev server and `vite preview`, which send .gz files gzip-encoded, with relative mirrors, on fixtures and on the real test split.
import { describe, expect, it } from 'vitest';
import { descriptor } from './loadFixtures.ts';
import {
  FIXTURE_FILES,
  inPage,
  type RunningServer,
  realFiles,
  useSiteServer,
  useViteSite,
} from './viteSite.ts';

const REAL = ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
const site = useViteSite({ fixture: FIXTURE_FILES, data: realFiles(REAL) });

/** Loads in the page with `mirrors` and reports the split and the last verify event per file. */
async function loadInPage(server: RunningServer, mirror: string, fixture: boolean) {
  return inPage(site, server, async ({ page, errors }) => {
    const result = await page.evaluate(
      async ({ mirror, dataset }) => {
        const { loadDataset, isFmnistError } = window.core;
        const forms: Record<string, string> = {};
        const urls: string[] = [];
        try {
          const split = await loadDataset({
            ...(dataset ? { dataset } : {}),
            split: 'test',
            mirrors: [mirror],
            cache: false,
            onProgress: (p) => {
              const form = (p as { form?: string }).form;
              if (form) forms[p.file] = form;
              if (p.phase === 'download' && !urls.includes(p.url)) urls.push(p.url);
            },
          });
          return { count: split.count, labels: Array.from(split.labels.slice(0, 10)), forms, urls };
        } catch (e) {
          return { error: isFmnistError(e) ? `${e.code}: ${e.message}` : String(e) };
        }
      },
      { mirror, dataset: fixture ? descriptor('fixture-ds') : undefined },
    );
    return { ...result, errors };
  });
}

describe.each(['dev', 'preview'] as const)('behind vite %s', (kind) => {
  const server = useSiteServer(site, kind);

  it('loads the fixture split from ./fixture/, accepted as bytes that arrived inflated', async () => {
    const result = await loadInPage(server, './fixture/', true);
    expect(result.error).toBeUndefined();
    expect(result.errors).toEqual([]);
    expect(result.count).toBe(20);
    // The server sent the .gz gzip-encoded and the browser inflated it on the way.
    const sent = server.headers.get('fixture/test-images.gz') ?? {};
    console.log(
      `vite ${kind} sent test-images.gz with content-encoding: ${sent['content-encoding']}`,
    );
    expect(sent['content-encoding']).toBe('gzip');
    expect(result.forms).toEqual({ 'test-images.gz': 'inflated', 'test-labels.gz': 'inflated' });
    // './fixture/' resolved against the page.
    expect(new Set(result.urls)).toEqual(
      new Set([`${server.url}fixture/test-images.gz`, `${server.url}fixture/test-labels.gz`]),
    );
  }, 120_000);

  it('loads the real test split from /data/', async () => {
    const result = await loadInPage(server, '/data/', false);
    expect(result.error).toBeUndefined();
    expect(result.count).toBe(10000);
    expect(result.labels).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    expect(result.forms).toEqual({
      't10k-images-idx3-ubyte.gz': 'inflated',
      't10k-labels-idx1-ubyte.gz': 'inflated',
    });
  }, 180_000);
});
