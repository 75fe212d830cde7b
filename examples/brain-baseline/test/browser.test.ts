// A short brain.js NeuralNetworkGPU training in headless Chromium: the vite-built page loads the
// real data from a 127.0.0.1 mirror, trains on WebGL through gpu.js (SwiftShader, a software GPU,
// in headless Chromium) and publishes the baseline result JSON, which this test reads back.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  useServedPage,
  waitForPageState,
  withTab,
} from '@fmnist-examples/baseline-kit/browser-test';
import { describe, expect, it } from 'vitest';
import type { PageState } from '../page/main.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const served = useServedPage({
  vite: { configFile: path.join(root, 'vite.config.ts') },
  tmpPrefix: 'brain-page-',
  data: { data: 'fashion-mnist' },
});

async function runPage(query: Record<string, string | number>): Promise<PageState> {
  const { server, browser } = served();
  return withTab(browser, async (page, errors) => {
    const search = new URLSearchParams(
      Object.entries({ mirror: server.url('data/'), ...query }).map(([k, v]) => [k, String(v)]),
    );
    await page.goto(`${server.url('index.html')}?${search}`);
    // Every status but 'running' ends the run.
    const state = await waitForPageState<PageState>(page, 'brainBaseline', ['done', 'error'], {
      timeout: 240_000,
    });
    expect(errors).toEqual([]);
    return state;
  });
}

const SHORT = { train: 1000, test: 500, epochs: 2, hidden: 32, chunk: 500, seed: 3 };

function summary(state: PageState): string {
  const r = state.result!;
  return (
    `${r.networkClass} on ${r.backend} (${String(r.webglRenderer)}): ${(r.testAccuracy * 100).toFixed(1)}% test accuracy, ` +
    `${r.trainSamplesPerSecond} train samples/s, ${r.inferenceImagesPerSecond} inference images/s`
  );
}

describe('brain.js baseline page in headless Chromium', () => {
  it('trains NeuralNetworkGPU on WebGL, as accurately as the CPU network', async () => {
    const gpu = await runPage({ ...SHORT, device: 'gpu' });
    expect(gpu.error).toBeUndefined();
    expect(gpu.status).toBe('done');
    console.log(`page, gpu: ${summary(gpu)}`);
    const result = gpu.result!;
    expect(result).toMatchObject({
      framework: 'brain.js',
      frameworkVersion: '2.0.0-beta.24',
      runtime: 'browser',
      device: 'gpu',
      networkClass: 'NeuralNetworkGPU',
      gpuInputPatched: true,
      trainSamples: 1000,
      testSamples: 500,
      epochs: 2,
    });
    // gpu.js really ran on WebGL, not its silent JavaScript fallback.
    expect(['webgl', 'webgl2']).toContain(result.gpuJsMode);
    expect(result.backend).toBe(`gpu.js-${result.gpuJsMode}`);
    expect(result.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(500);
    expect(result.testAccuracy).toBeGreaterThan(0.4);

    // Same seed, same weights, same order: the CPU network must land on (almost) the same accuracy.
    const cpu = await runPage({ ...SHORT, device: 'cpu' });
    console.log(`page, cpu: ${summary(cpu)}`);
    expect(cpu.result).toMatchObject({
      device: 'cpu',
      backend: 'cpu',
      networkClass: 'NeuralNetwork',
    });
    expect(Math.abs(cpu.result!.testAccuracy - result.testAccuracy)).toBeLessThan(0.03);
  }, 300_000);

  it('without patchNeuralNetworkGPU, brain.js 2.0.0-beta.24 learns nothing on WebGL', async () => {
    const state = await runPage({ ...SHORT, device: 'gpu', patch: 0 });
    console.log(`page, gpu unpatched: ${summary(state)}`);
    expect(state.result).toMatchObject({ device: 'gpu', gpuInputPatched: false });
    // Each training image is cut to its first 32 pixels (the top row is mostly background).
    expect(state.result!.testAccuracy).toBeLessThan(0.25);
  }, 300_000);
});
