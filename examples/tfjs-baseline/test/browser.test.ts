// The tfjs baseline page built by vite and run in headless Chromium: served (webgl, webgpu) and behind vite preview.
import path from 'node:path';
import type { BaselineResult } from '@fmnist-examples/baseline-kit';
import {
  usePreviewedPage,
  useServedPage,
  waitForPageState,
  withTab,
} from '@fmnist-examples/baseline-kit/browser-test';
import { describe, expect, it } from 'vitest';
import type { PageState } from '../src/page.ts';

const exampleRoot = path.resolve(import.meta.dirname, '..');

// The real page, bundled by the same vite config `vite build` uses, with the official .gz files
// served as a mirror on the same origin (127.0.0.1 is a secure context, so the page's
// crypto.subtle checksum verification works). playwright gives every launch a fresh profile.
const served = useServedPage({
  vite: { root: exampleRoot },
  tmpPrefix: 'tfjs-baseline-page-',
  data: { data: 'fashion-mnist' },
});

async function runPage(query: Record<string, string>) {
  const { server, browser } = served();
  return withTab(browser, async (page, errors) => {
    const params = new URLSearchParams({ autostart: '1', data: '/data/', ...query });
    // server.url() drops query strings: build the URL from the base.
    await page.goto(`${server.baseUrl}index.html?${params}`);
    const state = await waitForPageState<PageState>(page, 'fmnistBaseline', ['done', 'error'], {
      timeout: 240_000,
    });
    return { ...state, errors };
  });
}

describe('the baseline page in headless Chromium', () => {
  it('trains the MLP on webgl and publishes the result JSON', async () => {
    const state = await runPage({
      backend: 'webgl',
      model: 'mlp',
      trainSamples: '3000',
      testSamples: '2000',
      epochs: '2',
    });
    expect(state.error).toBeUndefined();
    expect(state.errors).toEqual([]);
    expect(state.status).toBe('done');
    const result = state.result as BaselineResult;
    expect(result).toMatchObject({
      framework: 'tfjs',
      runtime: 'browser',
      backend: 'webgl',
      device: 'gpu',
      dataset: 'fashion-mnist',
      model: 'mlp-128',
      trainSamples: 3000,
      testSamples: 2000,
      epochs: 2,
    });
    expect(result.testAccuracy).toBeGreaterThan(0.6);
    expect(result.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(2000);
    expect(state.log.some((line) => /epoch 1\/2 batch \d+\/47 loss/.test(line))).toBe(true);
  }, 300_000);

  it('trains on webgpu where the browser offers it (SwiftShader here: tiny run)', async () => {
    const state = await runPage({
      backend: 'webgpu',
      model: 'mlp',
      trainSamples: '320',
      testSamples: '200',
      epochs: '1',
    });
    expect(state.error).toBeUndefined();
    expect(state.status).toBe('done');
    expect(state.result).toMatchObject({ backend: 'webgpu', device: 'gpu', trainSamples: 320 });
    // Five Adam steps: clearly above the 10% of guessing, nowhere near converged.
    expect((state.result as BaselineResult).testAccuracy).toBeGreaterThan(0.2);
  }, 300_000);
});

// The same page behind a real `vite preview`, the data in public/data/ and no middleware.
describe('the tfjs baseline page behind vite preview', () => {
  const previewed = usePreviewedPage({
    vite: { root: exampleRoot },
    tmpPrefix: 'tfjs-baseline-preview-',
    data: { 'data/fashion-mnist': 'fashion-mnist' },
  });

  it('trains on the files vite preview serves from public/data/fashion-mnist/', async () => {
    await withTab(previewed().browser, async (page, errors) => {
      const params = new URLSearchParams({
        autostart: '1',
        data: '/data/fashion-mnist/',
        backend: 'webgl',
        model: 'mlp',
        trainSamples: '640',
        testSamples: '500',
        epochs: '1',
      });
      await page.goto(`${previewed().url}index.html?${params}`);
      const state = await waitForPageState<PageState>(page, 'fmnistBaseline', ['done', 'error'], {
        timeout: 240_000,
      });
      expect(state.error, state.log.join('\n')).toBeUndefined();
      expect(errors).toEqual([]);
      expect(state.result).toMatchObject({ backend: 'webgl', trainSamples: 640, testSamples: 500 });
      expect(state.log).toContain('data: fashion-mnist train 60000, test 10000');
    });
  }, 300_000);
});
