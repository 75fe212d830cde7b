// Parse + gunzip in a real browser: the main entry must run in headless Chromium with no Node
// built-ins, inflating through DecompressionStream and hashing through Web Crypto.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, chromiumPath, realDataDir } from '@fmnist/test-utils';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

const pageScript = `
import { decodeIdx, loadDataset, browserPlatform, memoryCache, isFmnistError } from '@fmnist/core';
window.runChecks = async (base) => {
  const raw = new Uint8Array(await (await fetch(base + 'files/t10k-labels-idx1-ubyte.gz')).arrayBuffer());
  const labels = await decodeIdx(raw);
  const cache = memoryCache();
  const platform = browserPlatform({ cache });
  const test = await loadDataset({ split: 'test', platform, mirrors: [base + 'files/'], retryDelayMs: 1 });
  let sum = 0;
  for (let i = 0; i < test.images.length; i++) sum += test.images[i];
  let wrong;
  try {
    await loadDataset({ split: 'test', platform: browserPlatform(), mirrors: [base + 'wrong/'], retries: 0, retryDelayMs: 1 });
  } catch (e) { wrong = isFmnistError(e) ? e.code : String(e); }
  return {
    labelShape: labels.shape,
    firstLabels: Array.from(labels.data.slice(0, 10)),
    count: test.count,
    imagesLength: test.images.length,
    meanPixel: sum / test.images.length / 255,
    cached: (await cache.get('fashion-mnist/t10k-images-idx3-ubyte.gz'))?.length ?? 0,
    wrong,
    hasProcess: typeof process !== 'undefined',
  };
};
`;

let server: Server;
let browser: Browser;
let base: string;

beforeAll(async () => {
  const dataDir = realDataDir('fashion-mnist');
  const mnistDir = realDataDir('mnist');
  const bundle = await build({
    stdin: { contents: pageScript, resolveDir: here, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['@fmnist/source'],
    write: false,
  });
  const js = bundle.outputFiles[0].text;
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><script type="module" src="/app.js"></script>');
    } else if (url === '/app.js') {
      res.setHeader('content-type', 'text/javascript');
      res.end(js);
    } else if (url.startsWith('/files/') || url.startsWith('/wrong/')) {
      // /wrong/ serves MNIST bytes under Fashion-MNIST names: a real user's mix-up.
      const dir = url.startsWith('/files/') ? dataDir : mnistDir;
      try {
        res.end(readFileSync(path.join(dir, path.basename(url))));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: chromiumPath(), args: [...chromiumArgs] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe('core in headless Chromium', () => {
  it('gunzips, parses, verifies and caches the real test split in the page', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(base);
    await page.waitForFunction(() => 'runChecks' in window);
    const result = await page.evaluate(
      (b) => (window as unknown as { runChecks(b: string): Promise<unknown> }).runChecks(b),
      base,
    );
    expect(errors).toEqual([]);
    expect(result).toMatchObject({
      labelShape: [10000],
      firstLabels: [9, 2, 1, 1, 6, 1, 4, 6, 5, 7],
      count: 10000,
      imagesLength: 10000 * 28 * 28,
      cached: 4422102,
      wrong: 'CHECKSUM_MISMATCH',
      hasProcess: false,
    });
    const mean = (result as { meanPixel: number }).meanPixel;
    expect(mean).toBeGreaterThan(0.27);
    expect(mean).toBeLessThan(0.3);
  });
});
