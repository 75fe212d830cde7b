// The comparison page, built with vite, driven through a short comparison in headless Chromium.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type ServedPage, servePage } from '@fmnist/test-utils';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComparePageState } from '../src/browser.ts';
import { BASELINE_IDS } from '../src/rows.ts';
import { decodePngSize } from './png.ts';

const exampleDir = path.resolve(import.meta.dirname, '..');

let served: ServedPage<Browser>;

beforeAll(async () => {
  // The real page, bundled with the same vite config as `pnpm build:web`, and the official files
  // on the page's own origin (127.0.0.1 is a secure context: crypto.subtle verifies their
  // checksums), where the page looks by default: ./data/<dataset>/.
  served = await servePage({
    build,
    chromium,
    vite: { configFile: path.join(exampleDir, 'vite.config.ts') },
    tmpPrefix: 'fmnist-compare-page-',
    data: { 'data/fashion-mnist': 'fashion-mnist' },
  });
}, 180_000);

afterAll(async () => {
  await served?.close();
});

describe('the comparison page in headless Chromium', () => {
  it('runs every baseline on the GPU paths and shows samples, progress, tables and charts', async () => {
    const { server, browser, outDir } = served;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      const query = new URLSearchParams({
        autostart: '1',
        trainSamples: '1500',
        testSamples: '1000',
        epochs: '1',
        // The paths headless Chromium runs at a usable speed on a CPU-only machine: WebGL through
        // SwiftShader for tfjs and brain.js, wasm for onnxruntime-web (its WebGPU provider works
        // on SwiftShader too, at a few images per second; the page tries it first by default).
        tfjsBackend: 'webgl',
        onnxEp: 'wasm',
      });
      // (server.url() drops a query string: append it.)
      await page.goto(`${server.url('index.html')}?${query}`);
      // Live progress shows up while it runs.
      await page.waitForFunction(
        () => window.fmnistCompare?.progress?.phase === 'train',
        undefined,
        {
          timeout: 120_000,
          polling: 200,
        },
      );
      expect(await page.locator('#samples canvas').count()).toBe(24);
      expect(await page.textContent('#job-text')).toMatch(/fashion-mnist\/tfjs-mlp · (load|train)/);

      await page.waitForFunction(
        () => ['done', 'error'].includes(window.fmnistCompare?.status),
        undefined,
        { timeout: 400_000, polling: 500 },
      );
      const state = (await page.evaluate(() => window.fmnistCompare)) as ComparePageState;
      expect(state.error, state.log.join('\n')).toBeUndefined();
      expect(errors).toEqual([]);
      const report = state.report!;
      expect(report.failures, state.log.join('\n')).toEqual([]);
      expect(report.results.map((r) => r.baseline)).toEqual([...BASELINE_IDS]);
      for (const row of report.results) {
        expect(row.runtime).toBe('browser');
        expect(row.testSamples).toBe(1000);
        expect(row.testAccuracy, row.label).toBeGreaterThan(0.5);
        expect(row.testAccuracy).toBeLessThanOrEqual(1);
      }
      const byId = Object.fromEntries(report.results.map((r) => [r.baseline, r]));
      expect(byId['tfjs-mlp']).toMatchObject({
        backend: 'webgl',
        device: 'gpu',
        trainSamples: 1500,
      });
      expect(byId['onnx-mlp'].framework).toBe('onnxruntime-web');
      expect(byId['onnx-mlp'].backend).toBe('wasm');
      // The model tfjs trained on WebGL, exported to ONNX in the page, scores the same.
      expect(
        Math.abs(byId['onnx-mlp'].testAccuracy - byId['tfjs-mlp'].testAccuracy),
      ).toBeLessThanOrEqual(0.002);
      expect(
        Math.abs(byId['onnx-cnn'].testAccuracy - byId['tfjs-cnn'].testAccuracy),
      ).toBeLessThanOrEqual(0.002);
      expect(byId['brain-mlp'].backend).toMatch(/^gpu\.js-(webgl2?|gpu)$/);
      expect(byId['brain-mlp'].device).toBe('gpu');

      // The table: one row per baseline, best figures marked, references beside it.
      const rows = page.locator('#tables table').first().locator('tbody tr');
      expect(await rows.count()).toBe(5);
      expect(await page.locator('#tables td.best').count()).toBeGreaterThanOrEqual(3);
      const accuracies = await rows.evaluateAll((trs) =>
        trs.map((tr) => Number(tr.children[4].textContent?.replace('★', '').trim())),
      );
      for (const a of accuracies) expect(a).toBeGreaterThan(0.5);
      expect(await page.textContent('#tables')).toContain('scikit-learn SVC');

      // The charts, rendered to SVG by Vega in the page, parse as SVG.
      const charts = await page.$$eval('#charts figure.chart', (figures) =>
        figures.map((f) => {
          const svg = f.querySelector('svg');
          const parsed = new DOMParser().parseFromString(svg?.outerHTML ?? '', 'image/svg+xml');
          return {
            name: (f as HTMLElement).dataset.chart,
            ok: !parsed.querySelector('parsererror') && parsed.documentElement.nodeName === 'svg',
            width: svg?.getBoundingClientRect().width ?? 0,
            text: svg?.textContent ?? '',
          };
        }),
      );
      expect(charts.map((c) => c.name)).toEqual([
        'accuracy',
        'per-class',
        'train-throughput',
        'inference-throughput',
        ...BASELINE_IDS.map((id) => `confusion-fashion-mnist-${id}`),
      ]);
      for (const chart of charts) {
        expect(chart.ok, chart.name).toBe(true);
        expect(chart.width, chart.name).toBeGreaterThan(200);
      }
      expect(charts[0].text).toContain('scikit-learn SVC');
      expect(charts[0].text).toContain('onnxruntime-web');

      // A picture of the finished page, for the README (UPDATE_SCREENSHOT=1 writes docs/page.png).
      const shot = path.join(outDir, 'page.png');
      await page.locator('#log').evaluate((el) => {
        el.style.maxHeight = '6rem';
      });
      // The top of the page: samples, progress, the tables and the first charts.
      const clip = { x: 0, y: 0, width: 1280, height: 1800 };
      await page.screenshot({ path: shot, fullPage: true, clip });
      expect(decodePngSize(await readFile(shot))).toEqual({ width: 1280, height: 1800 });
      if (process.env.UPDATE_SCREENSHOT === '1') {
        await mkdir(path.join(exampleDir, 'docs'), { recursive: true });
        await copyFile(shot, path.join(exampleDir, 'docs', 'page.png'));
      }
    } finally {
      await page.close();
    }
  }, 600_000);
});
