// The ONNX baseline page, built by vite and run in headless Chromium on the real test split.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, chromiumPath } from '@fmnist/test-utils';
import { useServedPage, waitForPageState } from '@fmnist-examples/baseline-kit/browser-test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { OnnxBaselineResult } from '../src/run.ts';

const exampleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The baseline page built by vite (onnxruntime-web excluded from pre-bundling, its .wasm emitted
 * as an asset) and run in headless Chromium against the real test split served from 127.0.0.1.
 */
describe('browser baseline (vite build + headless Chromium)', () => {
  const served = useServedPage({
    vite: { configFile: path.join(exampleDir, 'vite.config.ts'), logLevel: 'error' },
    tmpPrefix: 'onnx-baseline-web-',
    data: { 'data/fashion-mnist': 'fashion-mnist' },
  });

  async function runPage(
    query: string,
    on: Browser = served().browser,
  ): Promise<{ page: Page; result: OnnxBaselineResult }> {
    const page = await on.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${served().server.url('index.html')}?${query}`);
    const state = await waitForPageState<typeof window.__onnxBaseline>(
      page,
      '__onnxBaseline',
      ['done', 'error'],
      { timeout: 110_000, polling: 250 },
    );
    if (state?.status !== 'done') {
      throw new Error(
        `page failed: ${JSON.stringify(state)} ${errors.join('; ')}\n${await page.textContent('#log')}`,
      );
    }
    return { page, result: state.result };
  }

  it('runs the committed CNN on wasm over all 10,000 test images', async () => {
    const { page, result } = await runPage('ep=wasm&quick=1');
    expect(result).toMatchObject({
      framework: 'onnxruntime-web',
      runtime: 'browser',
      backend: 'wasm',
      device: 'cpu',
      dataset: 'fashion-mnist',
      model: 'cnn-tiny',
      testSamples: 10_000,
      executionProvider: 'wasm',
    });
    expect(result.testAccuracy).toBeGreaterThan(0.85);
    expect(result.perClassAccuracy).toHaveLength(10);
    expect(result.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(result.inferenceThroughput.map((t) => t.batchSize)).toEqual([1, 64, 500]);
    expect(result.trainSamples).toBe(60_000);
    await page.close();
  }, 120_000);

  it('tries WebGPU first and gets the same predictions as wasm (SwiftShader with --enable-unsafe-webgpu)', async () => {
    // A software adapter needs about 25 s per 1,000 images: compare on the first 200.
    const gpu = await runPage('quick=1&samples=200');
    expect(gpu.result).toMatchObject({
      executionProvider: 'webgpu',
      backend: 'webgpu',
      device: 'gpu',
      executionProviderFallbacks: [],
      testSamples: 200,
    });
    const cpu = await runPage('ep=wasm&quick=1&samples=200');
    expect(cpu.result.executionProvider).toBe('wasm');
    // GPU float rounding could flip a near-tie; allow one image of 200.
    const differences = gpu.result.confusionMatrix
      .flat()
      .reduce((sum, n, i) => sum + Math.abs(n - cpu.result.confusionMatrix.flat()[i]), 0);
    expect(differences).toBeLessThanOrEqual(2);
    await gpu.page.close();
    await cpu.page.close();
  }, 180_000);

  it('falls back to wasm when the browser has no WebGPU adapter, and records why', async () => {
    const plain = await chromium.launch({
      executablePath: chromiumPath(),
      args: chromiumArgs.filter((a) => a !== '--enable-unsafe-webgpu'),
    });
    try {
      const { result } = await runPage('quick=1&samples=300', plain);
      expect(result.executionProvider).toBe('wasm');
      expect(result.executionProviderFallbacks.map((f) => f.executionProvider)).toEqual(['webgpu']);
      expect(result.testAccuracy).toBeGreaterThan(0.8);
    } finally {
      await plain.close();
    }
  }, 120_000);
});
