// The pages example behind a real `vite preview` in headless Chromium: load in a worker, the grid, training on WebGL, predictions on drawn images.
import path from 'node:path';
import {
  usePreviewedPage,
  waitForPageState,
  withTab,
} from '@fmnist-examples/baseline-kit/browser-test';
import { expect, it } from 'vitest';
import type { PagesState } from '../src/main.ts';

const exampleRoot = path.resolve(import.meta.dirname, '..');
// The data as a user would put it: the four .gz files in the public folder's data/ (here a
// temporary public dir linked to FMNIST_DATA_DIR's files; no data is committed).
const served = usePreviewedPage({
  vite: { root: exampleRoot, configFile: path.join(exampleRoot, 'vite.config.ts') },
  tmpPrefix: 'fmnist-pages-',
  data: { data: 'fashion-mnist' },
});

it('loads, shows the grid, trains on WebGL and predicts drawn images', async () => {
  await withTab(served().browser, async (page, errors) => {
    const state = () => page.evaluate(() => window.fmnistPages) as Promise<PagesState>;
    const waitFor = (statuses: string[], timeout: number) =>
      waitForPageState<PagesState>(page, 'fmnistPages', statuses, { timeout, polling: 250 });
    await page.goto(`${served().url}?trainSamples=3000&epochs=2`);
    await waitFor(['ready', 'error'], 120_000);
    expect((await state()).error).toBeUndefined();
    expect((await state()).backend).toBe('webgl');
    const grid = await page.$eval('#grid', (c) => [
      (c as HTMLCanvasElement).width,
      (c as HTMLCanvasElement).height,
    ]);
    expect(grid[0]).toBeGreaterThan(12 * 28 * 2);
    expect(grid[1]).toBeGreaterThan(2 * 28 * 2);

    await page.click('#train');
    await waitFor(['trained', 'error'], 240_000);
    const trained = await state();
    expect(trained.error, trained.log.join('\n')).toBeUndefined();
    expect(trained.testAccuracy).toBeGreaterThan(0.7);
    expect(trained.log.some((l) => /^epoch 2: loss/.test(l))).toBe(true);

    // Test images painted on the pad at 10x and read back at 28x28 get the class the model gives
    // the dataset's own pixels: the pad reads images in the dataset's encoding.
    for (let i = 0; i < 3; i++) {
      await page.click('#sample');
      await page.click('#predict');
      const shown = await state();
      expect(shown.sampleIndex).toBe(i);
      expect(shown.prediction?.className).toBe(shown.sampleClass);
    }

    // A drawing made with the mouse gets some class, with a probability.
    await page.click('#clear');
    const box = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(box.x + 60, box.y + 60);
    await page.mouse.down();
    for (const [x, y] of [
      [220, 60],
      [220, 220],
      [60, 220],
      [60, 60],
    ]) {
      await page.mouse.move(box.x + x, box.y + y, { steps: 8 });
    }
    await page.mouse.up();
    await page.click('#predict');
    const drawn = (await state()).prediction!;
    expect(trained.log.length).toBeGreaterThan(0);
    expect(drawn.probability).toBeGreaterThan(0);
    expect(drawn.probability).toBeLessThanOrEqual(1);
    expect(await page.textContent('#prediction')).toContain(drawn.className);
    expect(errors).toEqual([]);
  });
}, 400_000);
