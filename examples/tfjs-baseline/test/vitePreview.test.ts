// The baseline page behind a real `vite preview`, the data in public/data/ and no middleware: a tiny WebGL training run.
import path from 'node:path';
import {
  usePreviewedPage,
  waitForPageState,
  withTab,
} from '@fmnist-examples/baseline-kit/browser-test';
import { expect, it } from 'vitest';
import type { PageState } from '../src/page.ts';

const exampleRoot = path.resolve(import.meta.dirname, '..');
const served = usePreviewedPage({
  vite: { root: exampleRoot },
  tmpPrefix: 'tfjs-baseline-preview-',
  data: { 'data/fashion-mnist': 'fashion-mnist' },
});

it('trains on the files vite preview serves from public/data/fashion-mnist/', async () => {
  await withTab(served().browser, async (page, errors) => {
    const params = new URLSearchParams({
      autostart: '1',
      data: '/data/fashion-mnist/',
      backend: 'webgl',
      model: 'mlp',
      trainSamples: '640',
      testSamples: '500',
      epochs: '1',
    });
    await page.goto(`${served().url}index.html?${params}`);
    const state = await waitForPageState<PageState>(page, 'fmnistBaseline', ['done', 'error'], {
      timeout: 240_000,
    });
    expect(state.error, state.log.join('\n')).toBeUndefined();
    expect(errors).toEqual([]);
    expect(state.result).toMatchObject({ backend: 'webgl', trainSamples: 640, testSamples: 500 });
    expect(state.log).toContain('data: fashion-mnist train 60000, test 10000');
  });
}, 300_000);
