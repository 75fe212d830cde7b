// The baseline page behind a real `vite preview`, the data in public/data/ and no middleware: a tiny WebGL training run.
import path from 'node:path';
import { type PreviewedPage, previewWithData } from '@fmnist/test-utils';
import { type Browser, chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';

const exampleRoot = path.resolve(import.meta.dirname, '..');
let served: PreviewedPage<Browser>;

beforeAll(async () => {
  served = await previewWithData({
    build,
    preview,
    chromium,
    vite: { root: exampleRoot },
    tmpPrefix: 'tfjs-baseline-preview-',
    data: { 'data/fashion-mnist': 'fashion-mnist' },
  });
}, 180_000);

afterAll(async () => {
  await served?.close();
});

it('trains on the files vite preview serves from public/data/fashion-mnist/', async () => {
  const page = await served.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    const params = new URLSearchParams({
      autostart: '1',
      data: '/data/fashion-mnist/',
      backend: 'webgl',
      model: 'mlp',
      trainSamples: '640',
      testSamples: '500',
      epochs: '1',
    });
    await page.goto(`${served.url}index.html?${params}`);
    await page.waitForFunction(
      () => ['done', 'error'].includes(window.fmnistBaseline?.status),
      undefined,
      { timeout: 240_000, polling: 500 },
    );
    const state = await page.evaluate(() => window.fmnistBaseline);
    expect(state.error, state.log.join('\n')).toBeUndefined();
    expect(errors).toEqual([]);
    expect(state.result).toMatchObject({ backend: 'webgl', trainSamples: 640, testSamples: 500 });
    expect(state.log).toContain('data: fashion-mnist train 60000, test 10000');
  } finally {
    await page.close();
  }
}, 300_000);
