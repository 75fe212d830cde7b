// The comparison page behind a real `vite preview`, the data in public/data/<dataset>/ and no middleware: samples drawn and one short job run.
import path from 'node:path';
import {
  usePreviewedPage,
  waitForPageState,
  withTab,
} from '@fmnist-examples/baseline-kit/browser-test';
import { expect, it } from 'vitest';
import type { ComparePageState } from '../src/browser.ts';

const exampleDir = path.resolve(import.meta.dirname, '..');
const served = usePreviewedPage(
  {
    vite: { configFile: path.join(exampleDir, 'vite.config.ts') },
    tmpPrefix: 'fmnist-compare-preview-',
    data: { 'data/fashion-mnist': 'fashion-mnist' },
  },
  240_000,
);

it('reads ./data/fashion-mnist/ from vite preview and runs a job', async () => {
  await withTab(served().browser, async (page, errors) => {
    const query = new URLSearchParams({
      autostart: '1',
      baselines: 'tfjs-mlp',
      trainSamples: '640',
      testSamples: '500',
      epochs: '1',
      tfjsBackend: 'webgl',
      onnxEp: 'wasm',
    });
    await page.goto(`${served().url}index.html?${query}`);
    const state = await waitForPageState<ComparePageState>(
      page,
      'fmnistCompare',
      ['done', 'error'],
      {
        timeout: 240_000,
      },
    );
    expect(state.error, state.log.join('\n')).toBeUndefined();
    expect(errors).toEqual([]);
    expect(state.report?.failures, state.log.join('\n')).toEqual([]);
    expect(state.report?.results.map((r) => r.baseline)).toEqual(['tfjs-mlp']);
    expect(await page.locator('#samples canvas').count()).toBe(24);
    expect(await page.locator('#samples figcaption').first().textContent()).toBe('Ankle boot');
  });
}, 300_000);
