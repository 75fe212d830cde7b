// The README's browser example must really run: it is executed as the page module of a Vite site in Chromium, with the real files in public/data/.
import path from 'node:path';
import { readmeSnippets } from '@fmnist/test-utils';
import { expect, it } from 'vitest';
import { inPage, realFiles, useSiteServer, useViteSite } from './viteSite.ts';

const packageDir = path.resolve(import.meta.dirname, '..');

const snippet = readmeSnippets(path.join(packageDir, 'README.md')).find((s) =>
  s.includes('loadInWorker('),
);
const site = useViteSite(
  { data: realFiles() },
  {
    html: '<!doctype html><canvas></canvas><script type="module" src="/main.ts"></script><script type="module" src="/snippet.ts"></script>',
    modules: { 'snippet.ts': snippet ?? '' },
  },
);
const server = useSiteServer(site, 'dev');

it('runs the README browser example in Chromium', async () => {
  expect(snippet).toContain("from '@fmnist/core'");
  await inPage(site, server, async ({ page, errors }) => {
    const lines: string[] = [];
    page.on('console', (m) => {
      if (!m.text().startsWith('[vite]')) lines.push(m.text());
    });
    // The snippet started with the first load and may still be logging: only the reloaded
    // document's lines count. Once its navigation commits, the old document logs no more (seen on
    // a loaded machine: the old run's first line landed before the new run's two).
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) lines.length = 0;
    });
    await page.reload();
    await page.waitForFunction(() => 'coreReady' in window);
    await expect
      .poll(() => lines.length, { timeout: 120_000, interval: 200 })
      .toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
    expect(lines[0]).toBe('10000 Ankle boot');
    expect(lines[1]).toBe('60000 4');
    const canvas = await page.evaluate(() => {
      const c = document.querySelector('canvas')!;
      return { width: c.width, height: c.height };
    });
    expect(canvas.width).toBeGreaterThan(8 * 28);
    expect(canvas.height).toBeGreaterThan(2 * 28 * 2);
  });
}, 180_000);
