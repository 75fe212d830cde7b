// Tests of merging runs of several machines: same work checked, duplicates, tables and charts per machine.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderSvg } from '../src/charts.ts';
import { browserFromUserAgent, machineLabel } from '../src/machineLabel.ts';
import { type MergedReport, mergeRuns, parseCompareJson, runName } from '../src/merge.ts';
import { mergedCharts } from '../src/mergeCharts.ts';
import { renderMergedMarkdown } from '../src/mergeReport.ts';
import type { CompareReport } from '../src/report.ts';
import { splitFingerprint } from '../src/sameData.ts';
import { fakeReport, fakeRows } from './fixtures.ts';
import { checkWellFormedXml } from './xml.ts';

const TEST_PRINT = 'a'.repeat(64);
const TRAIN_PRINT = 'b'.repeat(64);
const CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/150.0.7390.0 Safari/537.36';

/** A Node run on a made-up server. */
function nodeRun(runId = 'node-run'): CompareReport {
  return {
    ...fakeReport(),
    runId,
    machine: {
      cpuModel: 'AMD EPYC 7B13',
      cores: 2,
      memoryGB: 23.5,
      platform: 'linux',
      arch: 'x64',
      nodeVersion: 'v20.20.2',
      gpu: null,
    },
    data: { 'fashion-mnist': { train: TRAIN_PRINT, test: TEST_PRINT } },
  };
}

/** The same work in a page on a laptop: tfjs on WebGPU, onnxruntime-web on wasm. */
function browserRun(runId = 'page-run'): CompareReport {
  const results = fakeRows().map((row) => ({
    ...row,
    runtime: 'browser' as const,
    framework: row.framework === 'onnxruntime-node' ? 'onnxruntime-web' : row.framework,
    backend:
      row.framework === 'tfjs' ? 'webgpu' : row.framework === 'brain.js' ? 'gpu.js-webgl2' : 'wasm',
    device: (row.framework === 'onnxruntime-node' ? 'cpu' : 'gpu') as 'cpu' | 'gpu',
    peakRssMB: 0,
    trainSamplesPerSecond: row.trainSamplesPerSecond * 3,
  }));
  return {
    ...nodeRun(runId),
    command: 'http://127.0.0.1:5173/?autostart=1',
    machine: {
      cpuModel: 'unknown (browser)',
      cores: 16,
      memoryGB: 8,
      platform: 'Linux x86_64',
      arch: '',
      nodeVersion: null,
      userAgent: CHROME_UA,
      browser: 'Headless Chrome 150.0.7390.0',
      gpu: 'ANGLE (NVIDIA, NVIDIA GeForce RTX 4070 Laptop GPU, Vulkan)',
      webgpu: { vendor: 'nvidia', architecture: 'ada', device: '', description: '' },
    },
    results,
  };
}

function merged(inputs: { source: string; report: CompareReport }[]): MergedReport {
  const outcome = mergeRuns(inputs, { date: '2025-02-01T00:00:00.000Z' });
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.merged;
}

describe('merging comparison runs of several machines', () => {
  it('merges a Node run and a page run, every row tagged with its machine', () => {
    const m = merged([
      { source: 'server/compare.json', report: nodeRun() },
      { source: 'laptop/compare.json', report: browserRun() },
    ]);
    expect(m.runs.map((r) => r.id)).toEqual(['M1', 'M2']);
    expect(m.runs[0].label).toBe('Node v20.20.2 · AMD EPYC 7B13 ×2');
    expect(m.runs[1].label).toBe('Headless Chrome 150.0.7390.0 · 16 cores · nvidia ada');
    expect(m.runs[1].backends).toBe('tfjs webgpu, onnxruntime-web wasm, brain.js gpu.js-webgl2');
    expect(m.differences).toEqual([]);
    expect(m.warnings).toEqual([]);
    expect(m.results).toHaveLength(10);
    expect(new Set(m.results.map((r) => r.machine))).toEqual(new Set(m.runs.map(runName)));

    const md = renderMergedMarkdown(m);
    expect(md).toContain('2 runs on 2 machines');
    expect(md).toContain(
      'Same data on every machine (Fashion-MNIST test images sha256 aaaaaaaaaaaa…',
    );
    expect(md).toContain('| M2 | laptop/compare.json | unknown (browser) | 16 | 8 GB |');
    expect(md).toContain('WebGPU: nvidia ada; WebGL: ANGLE (NVIDIA, NVIDIA GeForce RTX 4070');
    expect(md).toContain('| M1 · Node v20.20.2 | tfjs mlp-128 | node · wasm |');
    expect(md).toContain('| M2 · Headless Chrome 150.0.7390.0 | tfjs mlp-128 | browser · webgpu |');
    // The fastest training is the page's: marked over every machine.
    expect(md).toMatch(
      /browser · webgpu \| gpu \| 10,000 × 2 epochs \| [^|]+ \| [^|]+ \| \*\*6,315\*\* ★/,
    );
    expect(md).toContain('| baseline | M1 | M2 |');
  });

  it('refuses runs on different data, and marks the difference with allowDifferent', () => {
    const other = browserRun();
    other.data = { 'fashion-mnist': { train: TRAIN_PRINT, test: 'c'.repeat(64) } };
    const inputs = [
      { source: 'a.json', report: nodeRun() },
      { source: 'b.json', report: other },
    ];
    const refused = mergeRuns(inputs);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.message).toContain('did different work');
    expect(refused.message).toContain('M1 = a.json, M2 = b.json');
    expect(refused.message).toContain(
      '- test images of fashion-mnist (sha256): M1 aaaaaaaaaaaa…, M2 cccccccccccc…',
    );
    expect(refused.message).toContain('--allow-different');

    const allowed = mergeRuns(inputs, { allowDifferent: true });
    expect(allowed.ok).toBe(true);
    if (!allowed.ok) return;
    expect(allowed.merged.differences.map((d) => d.what)).toEqual([
      'test images of fashion-mnist (sha256)',
    ]);
    const md = renderMergedMarkdown(allowed.merged);
    expect(md).toContain('**Merged despite different work (`--allow-different`)**');
    expect(md).toContain(
      '- test images of fashion-mnist (sha256): M1 aaaaaaaaaaaa…, M2 cccccccccccc…',
    );
  });

  it('refuses a different seed, test split or preprocessing, and a run without fingerprints', () => {
    const seed = browserRun();
    seed.settings = { ...seed.settings, seed: 7, testSamples: 2000 };
    const outcome = mergeRuns([
      { source: 'a.json', report: nodeRun() },
      { source: 'b.json', report: seed },
    ]);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.differences.map((d) => d.what)).toEqual(['seed', 'test images']);
      expect(outcome.message).toContain('- seed: M1 42, M2 7');
      expect(outcome.message).toContain('- test images: M1 all, M2 2000');
    }
    const unknown = browserRun();
    unknown.data = {};
    const missing = mergeRuns([
      { source: 'a.json', report: nodeRun() },
      { source: 'b.json', report: unknown },
    ]);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.message).toContain('M2 not recorded');
  });

  it('skips the same run given twice (same run id) with a warning', () => {
    const m = merged([
      { source: 'a.json', report: nodeRun('same-id') },
      { source: 'b.json', report: browserRun() },
      { source: 'copy-of-a.json', report: nodeRun('same-id') },
    ]);
    expect(m.runs.map((r) => r.source)).toEqual(['a.json', 'b.json']);
    expect(m.warnings).toEqual([
      'copy-of-a.json is the same run as a.json (run id same-id): skipped.',
    ]);
    expect(m.results).toHaveLength(10);
    expect(renderMergedMarkdown(m)).toContain('- copy-of-a.json is the same run as a.json');
    // Files written before runs had an id: the same file twice is still found.
    const { runId: _, ...legacy } = nodeRun();
    const old = merged([
      { source: 'old.json', report: legacy },
      { source: 'old-again.json', report: structuredClone(legacy) },
    ]);
    expect(old.runs).toHaveLength(1);
    expect(old.warnings[0]).toMatch(
      /^old-again\.json is the same run as old\.json \(run id legacy:/,
    );
  });

  it('draws every machine in the merged charts', async () => {
    const third = nodeRun('gpu-box');
    third.machine = { ...third.machine, cpuModel: 'Intel Xeon', cores: 16, gpu: 'NVIDIA H200' };
    const m = merged([
      { source: 'a.json', report: nodeRun() },
      { source: 'b.json', report: browserRun() },
      { source: 'c.json', report: third },
    ]);
    const charts = mergedCharts(m);
    expect(charts.map((c) => c.name)).toEqual([
      'accuracy',
      'per-class',
      'train-throughput',
      'inference-throughput',
    ]);
    for (const chart of charts) {
      const svg = await renderSvg(chart.spec);
      expect(checkWellFormedXml(svg), chart.name).toBe('svg');
      if (chart.name === 'per-class') {
        for (const run of m.runs) expect(svg, run.id).toContain(`· ${run.id}<`);
        continue;
      }
      for (const run of m.runs) expect(svg, `${chart.name} ${run.id}`).toContain(runName(run));
      expect(svg).toContain('tfjs cnn-small');
    }
    expect(runName(m.runs[2])).toBe('M3 · Node v20.20.2 · Intel Xeon ×16 · NVIDIA H200');
  });
});

describe('the files a merge reads, and the machine names', () => {
  it('reads a compare.json and names what is wrong with other files', () => {
    expect(parseCompareJson(JSON.stringify(nodeRun()), 'a.json').runId).toBe('node-run');
    expect(() => parseCompareJson('{', 'x.json')).toThrow(/^x\.json is not JSON/);
    expect(() => parseCompareJson('{"format":2}', 'y.json')).toThrow(
      /y\.json is not a compare\.json/,
    );
    expect(() => parseCompareJson('{"format":1,"kind":"merged"}', 'm.json')).toThrow(
      /merged report/,
    );
  });

  it('names browsers from their user agents, and machines from their facts', () => {
    expect(browserFromUserAgent(CHROME_UA)).toBe('Headless Chrome 150.0.7390.0');
    expect(
      browserFromUserAgent(
        'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
      ),
    ).toBe('Firefox 128.0');
    expect(
      browserFromUserAgent(
        'Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87',
      ),
    ).toBe('Edge 126.0.2592.87');
    expect(
      browserFromUserAgent(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      ),
    ).toBe('Safari 17.5');
    const { browser: _, ...machine } = browserRun().machine;
    expect(machineLabel({ machine: { ...machine, webgpu: null } })).toBe(
      'Headless Chrome 150.0.7390.0 · 16 cores · ANGLE (NVIDIA, NVIDIA GeForce RTX 4070 Laptop G…',
    );
  });

  it("fingerprints a split as sha256 of its images then labels, the same as Node's crypto", async () => {
    const images = Uint8Array.from({ length: 784 * 3 }, (_, i) => i % 251);
    const labels = Uint8Array.from([3, 1, 4]);
    const split = { images, labels } as Parameters<typeof splitFingerprint>[0];
    const node = createHash('sha256').update(images).update(labels).digest('hex');
    await expect(splitFingerprint(split)).resolves.toBe(node);
  });
});
