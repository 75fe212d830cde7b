// The comparison page, built with vite, in headless Chromium: a short comparison, merging, and behind vite preview.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { realDataDir } from '@fmnist/test-utils';
import {
  usePreviewedPage,
  useServedPage,
  waitForPageState,
  withTab,
} from '@fmnist-examples/baseline-kit/browser-test';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ComparePageState } from '../src/browser.ts';
import { type MergedReport, runName } from '../src/merge.ts';
import type { PageMergeState } from '../src/pageMerge.ts';
import type { CompareReport } from '../src/report.ts';
import { BASELINE_IDS } from '../src/rows.ts';
import { decodePngSize } from './png.ts';

const exampleDir = path.resolve(import.meta.dirname, '..');

/** Waits for the page's comparison to end (done or error) and returns its state. */
function finished(page: Page): Promise<ComparePageState> {
  return waitForPageState(page, 'fmnistCompare', ['done', 'error'], { timeout: 400_000 });
}

// The real page, bundled with the same vite config as `pnpm build:web`, and the official files
// on the page's own origin (127.0.0.1 is a secure context: crypto.subtle verifies their
// checksums), where the page looks by default: ./data/<dataset>/.
const served = useServedPage(
  {
    vite: { configFile: path.join(exampleDir, 'vite.config.ts') },
    tmpPrefix: 'fmnist-compare-page-',
    data: { 'data/fashion-mnist': 'fashion-mnist' },
  },
  180_000,
);

describe('the comparison page in headless Chromium', () => {
  it('runs every baseline on the GPU paths and shows samples, progress, tables and charts', async () => {
    const { server, browser, outDir } = served();
    await withTab(
      browser,
      async (page, errors) => {
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
        expect(await page.textContent('#job-text')).toMatch(
          /fashion-mnist\/tfjs-mlp · (load|train)/,
        );

        const state = await finished(page);
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
      },
      { viewport: { width: 1280, height: 900 } },
    );
  }, 600_000);

  it('merges a Node run and a page run of the same work, in Node and in the page', async () => {
    const { server, browser } = served();
    const work = await mkdtemp(path.join(tmpdir(), 'fmnist-compare-merge-'));
    const settings = { trainSamples: '1000', testSamples: '1000', epochs: '1' };
    const node = (args: string[]) =>
      promisify(execFile)(
        process.execPath,
        ['--conditions=@fmnist/source', '--import', 'tsx', 'src/main.ts', ...args],
        {
          cwd: exampleDir,
          env: { ...process.env, FMNIST_DATA_DIR: realDataDir('fashion-mnist') },
          maxBuffer: 16 * 2 ** 20,
          timeout: 400_000,
        },
      );
    try {
      await withTab(
        browser,
        async (page, errors) => {
          // The same small work in Node (its own processes) and in the page, at the same time.
          const nodeRun = node([
            '--baselines',
            'tfjs-mlp,onnx-mlp',
            '--train-samples',
            settings.trainSamples,
            '--test-samples',
            settings.testSamples,
            '--epochs',
            settings.epochs,
            '--progress',
            'none',
            '--no-png',
            '--out-dir',
            path.join(work, 'node'),
          ]);
          const query = new URLSearchParams({
            autostart: '1',
            baselines: 'tfjs-mlp,onnx-mlp',
            ...settings,
            tfjsBackend: 'webgl',
            onnxEp: 'wasm',
          });
          await page.goto(`${server.url('index.html')}?${query}`);
          const state = await finished(page);
          expect(state.error, state.log.join('\n')).toBeUndefined();
          // "Download result": the same compare.json shape as a Node run writes.
          const [download] = await Promise.all([
            page.waitForEvent('download'),
            page.click('#download-result'),
          ]);
          expect(download.suggestedFilename()).toBe('compare.json');
          const pageFile = path.join(work, 'page.json');
          await download.saveAs(pageFile);
          const pageReport = JSON.parse(await readFile(pageFile, 'utf8')) as CompareReport;
          expect(pageReport).toEqual(JSON.parse(JSON.stringify(state.report)));
          await nodeRun;
          const nodeFile = path.join(work, 'node', 'compare.json');
          const nodeReport = JSON.parse(await readFile(nodeFile, 'utf8')) as CompareReport;

          // What each run recorded to tell its machine apart, and the same data fingerprints.
          expect(pageReport.runId).toMatch(/^[0-9a-f-]{36}$/);
          expect(nodeReport.runId).toMatch(/^[0-9a-f-]{36}$/);
          expect(pageReport.runId).not.toBe(nodeReport.runId);
          expect(pageReport.machine.browser).toMatch(/Chrome [\d.]+/);
          expect(pageReport.machine.gpu).toMatch(/SwiftShader|ANGLE|Mesa|llvmpipe/i);
          expect(pageReport.machine).toHaveProperty('webgpu');
          expect(pageReport.results[1]).toMatchObject({
            executionProvider: 'wasm',
            backend: 'wasm',
          });
          expect(pageReport.data['fashion-mnist'].test).toMatch(/^[0-9a-f]{64}$/);
          expect(pageReport.data).toEqual(nodeReport.data);

          // `pnpm start --merge`: the page's file given twice is skipped with a warning.
          const merged = await node([
            '--merge',
            nodeFile,
            pageFile,
            pageFile,
            '--out-dir',
            path.join(work, 'merged'),
          ]);
          expect(merged.stderr).toContain(`warning: ${pageFile} is the same run as ${pageFile}`);
          const record = JSON.parse(
            await readFile(path.join(work, 'merged', 'merged.json'), 'utf8'),
          ) as MergedReport;
          expect(record.runs.map((r) => r.source)).toEqual([nodeFile, pageFile]);
          expect(record.differences).toEqual([]);
          expect(record.results.map((r) => `${r.run} ${r.runtime} ${r.baseline}`)).toEqual([
            'M1 node tfjs-mlp',
            'M1 node onnx-mlp',
            'M2 browser tfjs-mlp',
            'M2 browser onnx-mlp',
          ]);
          const md = await readFile(path.join(work, 'merged', 'compare.md'), 'utf8');
          expect(md).toContain('Same data on every machine');
          expect(md).toContain('| M2 · Headless Chrome');
          const charts = (await readdir(path.join(work, 'merged', 'charts'))).sort();
          expect(charts).toEqual(
            ['accuracy', 'inference-throughput', 'per-class', 'train-throughput'].flatMap((c) => [
              `${c}.png`,
              `${c}.svg`,
            ]),
          );
          const accuracy = await readFile(
            path.join(work, 'merged', 'charts', 'accuracy.svg'),
            'utf8',
          );
          for (const run of record.runs) expect(accuracy).toContain(runName(run));

          // Different data is refused with exit code 2 and says what differs.
          const other = structuredClone(pageReport);
          other.runId = 'another-run';
          other.data['fashion-mnist'].test = '0'.repeat(64);
          const otherFile = path.join(work, 'other.json');
          await writeFile(otherFile, JSON.stringify(other));
          const refused = await node([
            '--merge',
            nodeFile,
            otherFile,
            '--out-dir',
            path.join(work, 'refused'),
          ]).then(
            () => ({ code: 0, stderr: '' }),
            (error: { code: number; stderr: string }) => error,
          );
          expect(refused.code).toBe(2);
          expect(refused.stderr).toContain('test images of fashion-mnist (sha256)');

          // The page's file picker merges the same two files with the same code.
          await page.setInputFiles('#merge-files', [nodeFile, pageFile]);
          await page.waitForFunction(() => window.fmnistMerge?.status !== 'idle', undefined, {
            timeout: 60_000,
          });
          const mergeState = (await page.evaluate(() => window.fmnistMerge)) as PageMergeState;
          expect(mergeState.message).toBeUndefined();
          expect(mergeState.merged?.runs.map((r) => r.label)).toEqual(
            record.runs.map((r) => r.label),
          );
          const pageCharts = await page.$$eval('#merged figure.chart svg', (svgs) =>
            svgs.map((svg) => svg.textContent ?? ''),
          );
          expect(pageCharts).toHaveLength(4);
          for (const run of record.runs) expect(pageCharts[0]).toContain(runName(run));
          expect(await page.locator('#merged table').first().locator('tbody tr').count()).toBe(2);
          expect(errors).toEqual([]);
        },
        { viewport: { width: 1280, height: 900 } },
      );
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 600_000);
});

// The same page behind a real `vite preview`, the data in public/data/<dataset>/ and no middleware: samples drawn and one short job run.
describe('the comparison page behind vite preview', () => {
  const previewed = usePreviewedPage(
    {
      vite: { configFile: path.join(exampleDir, 'vite.config.ts') },
      tmpPrefix: 'fmnist-compare-preview-',
      data: { 'data/fashion-mnist': 'fashion-mnist' },
    },
    240_000,
  );

  it('reads ./data/fashion-mnist/ from vite preview and runs a job', async () => {
    await withTab(previewed().browser, async (page, errors) => {
      const query = new URLSearchParams({
        autostart: '1',
        baselines: 'tfjs-mlp',
        trainSamples: '640',
        testSamples: '500',
        epochs: '1',
        tfjsBackend: 'webgl',
        onnxEp: 'wasm',
      });
      await page.goto(`${previewed().url}index.html?${query}`);
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
});
