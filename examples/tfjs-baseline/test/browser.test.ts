// The tfjs baseline page in headless Chromium: built and served (webgl, webgpu, wasm), behind vite preview and the vite dev server (isolated: wasm threads).
import path from 'node:path';
import type { PreviewedPage } from '@fmnist/test-utils';
import type { BaselineResult } from '@fmnist-examples/baseline-kit';
import {
  useDevPage,
  usePreviewedPage,
  useServedPage,
  waitForPageState,
  withTab,
} from '@fmnist-examples/baseline-kit/browser-test';
import type { Browser } from 'playwright-core';
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

  it('runs wasm single-threaded without cross-origin isolation, and says so', async () => {
    // This test server sends no COOP/COEP headers: no SharedArrayBuffer, so no threaded build.
    const state = await runPage({
      backend: 'wasm',
      model: 'mlp',
      threads: '2',
      trainSamples: '320',
      testSamples: '200',
      epochs: '1',
    });
    expect(state.error, state.log.join('\n')).toBeUndefined();
    expect(state.errors).toEqual([]);
    expect(state.result).toMatchObject({ backend: 'wasm', threads: 1, crossOriginIsolated: false });
    expect(state.log).toContain('backend: wasm (cpu, 1 thread (page not cross-origin isolated))');
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

  isolatedWasmTests(previewed);
});

/**
 * wasm in the page as its vite config serves it, cross-origin isolated (COOP/COEP headers from
 * vite.config.ts): the threaded SIMD build, started by `@fmnist/tfjs`'s `setWasmThreads`.
 */
function isolatedWasmTests(served: () => PreviewedPage<Browser>) {
  /** Opens the page with `query`, recording which wasm binaries it fetches. */
  async function runIsolated(query: Record<string, string>) {
    return withTab(served().browser, async (page, errors) => {
      const binaries: string[] = [];
      page.on('request', (request) => {
        // Not the dev server's `?import&url` modules, which only name the files.
        const url = new URL(request.url());
        if (url.pathname.endsWith('.wasm') && !url.searchParams.has('import')) {
          binaries.push(request.url());
        }
      });
      const params = new URLSearchParams({
        autostart: '1',
        data: '/data/fashion-mnist/',
        ...query,
      });
      await page.goto(`${served().url}index.html?${params}`);
      const state = await waitForPageState<PageState>(page, 'fmnistBaseline', ['done', 'error'], {
        timeout: 240_000,
      });
      const cores = (await page.evaluate(() => navigator.hardwareConcurrency)) as number;
      return { state, errors, binaries, cores };
    });
  }

  it('trains the CNN on wasm with 2 threads: the server isolates the page (COOP/COEP)', async () => {
    const { state, errors, binaries } = await runIsolated({
      backend: 'wasm',
      threads: '2',
      model: 'cnn',
      trainSamples: '640',
      testSamples: '500',
      epochs: '1',
    });
    expect(state.error, state.log.join('\n')).toBeUndefined();
    expect(errors).toEqual([]);
    // 2 threads although this machine's 2 CPUs would cap the stock build at 1.
    // The page's CNN in full mode is the plan's cnn-bn (batch norm after each convolution).
    expect(state.result).toMatchObject({
      backend: 'wasm',
      model: 'cnn-bn',
      threads: 2,
      crossOriginIsolated: true,
    });
    expect(state.log).toContain('backend: wasm (cpu, 2 threads)');
    // The backend's own threaded SIMD binary, not the single-threaded one.
    expect(binaries.length).toBeGreaterThan(0);
    expect(binaries.every((url) => url.includes('threaded-simd'))).toBe(true);
    // Ten Adam steps of the CNN on 640 images: above the 10% of guessing.
    expect((state.result as BaselineResult).testAccuracy).toBeGreaterThan(0.2);
  }, 300_000);

  it('runs plain wasm in the isolated page too (the stock start hangs there once minified)', async () => {
    const { state, errors, binaries, cores } = await runIsolated({
      backend: 'wasm',
      model: 'mlp',
      trainSamples: '640',
      testSamples: '500',
      epochs: '1',
    });
    expect(state.error, state.log.join('\n')).toBeUndefined();
    expect(errors).toEqual([]);
    // tfjs's default pool: half the logical cores, 1 to 8.
    const threads = Math.min(8, Math.max(1, Math.floor(cores / 2)));
    expect(state.result).toMatchObject({ backend: 'wasm', threads, crossOriginIsolated: true });
    expect(binaries.every((url) => url.includes('threaded-simd'))).toBe(true);
    expect((state.result as BaselineResult).testAccuracy).toBeGreaterThan(0.2);
  }, 300_000);
}

// The page from a real `vite` dev server (sources transformed on demand, dependencies
// pre-bundled), with the data in its public dir: what `pnpm page` gives a user.
describe('the tfjs baseline page behind the vite dev server', () => {
  const dev = useDevPage({
    vite: { root: exampleRoot },
    tmpPrefix: 'tfjs-baseline-dev-',
    data: { 'data/fashion-mnist': 'fashion-mnist' },
  });
  isolatedWasmTests(dev);
});
