// The comparison page behind a real `vite preview`, the data in public/data/<dataset>/ and no middleware: samples drawn and one short job run.
import path from 'node:path';
import { type PreviewedPage, previewWithData } from '@fmnist/test-utils';
import { type Browser, chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ComparePageState } from '../src/browser.ts';

const exampleDir = path.resolve(import.meta.dirname, '..');
let served: PreviewedPage<Browser>;

beforeAll(async () => {
  served = await previewWithData({
    build,
    preview,
    chromium,
    vite: { configFile: path.join(exampleDir, 'vite.config.ts') },
    tmpPrefix: 'fmnist-compare-preview-',
    data: { 'data/fashion-mnist': 'fashion-mnist' },
  });
}, 240_000);

afterAll(async () => {
  await served?.close();
});

it('reads ./data/fashion-mnist/ from vite preview and runs a job', async () => {
  const page = await served.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    const query = new URLSearchParams({
      autostart: '1',
      baselines: 'tfjs-mlp',
      trainSamples: '640',
      testSamples: '500',
      epochs: '1',
      tfjsBackend: 'webgl',
      onnxEp: 'wasm',
    });
    await page.goto(`${served.url}index.html?${query}`);
    await page.waitForFunction(
      () => ['done', 'error'].includes(window.fmnistCompare?.status),
      undefined,
      { timeout: 240_000, polling: 500 },
    );
    const state = (await page.evaluate(() => window.fmnistCompare)) as ComparePageState;
    expect(state.error, state.log.join('\n')).toBeUndefined();
    expect(errors).toEqual([]);
    expect(state.report?.failures, state.log.join('\n')).toEqual([]);
    expect(state.report?.results.map((r) => r.baseline)).toEqual(['tfjs-mlp']);
    expect(await page.locator('#samples canvas').count()).toBe(24);
    expect(await page.locator('#samples figcaption').first().textContent()).toBe('Ankle boot');
  } finally {
    await page.close();
  }
}, 300_000);
