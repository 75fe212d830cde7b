// `pnpm start --quick` end to end on the real data: every file, row and chart of a short run.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { realDataDir } from '@fmnist/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareReport } from '../src/report.ts';
import { BASELINE_IDS, RESULT_FIELDS, rowProblems } from '../src/rows.ts';
import { decodePngSize } from './png.ts';
import { checkWellFormedXml } from './xml.ts';

const exampleDir = path.resolve(import.meta.dirname, '..');
let outDir: string;
let stdout: string;
let report: CompareReport;

/** `pnpm start` (src/main.ts) with `args` on the real Fashion-MNIST, its output and cache in `dir`. */
function startCompare(args: string[], dir: string, timeout: number) {
  return promisify(execFile)(
    process.execPath,
    ['--conditions=@fmnist/source', '--import', 'tsx', 'src/main.ts', ...args, '--out-dir', dir],
    {
      cwd: exampleDir,
      env: {
        ...process.env,
        FMNIST_DATA_DIR: realDataDir('fashion-mnist'),
        FMNIST_CACHE_DIR: path.join(dir, 'cache'),
      },
      maxBuffer: 16 * 2 ** 20,
      timeout,
    },
  );
}

// The real command on the real data, with a small training prefix so that it takes a minute or
// two on two cores: every baseline, each in its own process, then the whole report.
beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'fmnist-compare-'));
  const args = [
    '--quick',
    '--train-samples',
    '3000',
    '--test-samples',
    '2000',
    '--epochs',
    '1',
    '--progress',
    'lines',
  ];
  const run = await startCompare(args, outDir, 280_000);
  stdout = run.stdout;
  report = JSON.parse(await readFile(path.join(outDir, 'compare.json'), 'utf8'));
}, 300_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('pnpm start --quick on the real data (3,000 training and 2,000 test images)', () => {
  it('shows progress per baseline and phase with an ETA, and prints where the results are', () => {
    for (const id of BASELINE_IDS) {
      expect(stdout).toMatch(new RegExp(`\\[\\d/5 fashion-mnist/${id}\\] (train|evaluate) .*ETA`));
      expect(stdout).toContain(`✓ fashion-mnist/${id}:`);
    }
    expect(stdout).toContain(path.join(outDir, 'compare.md'));
  });

  it('has a complete row for every baseline, all on the same data', () => {
    expect(report.results.map((r) => r.baseline)).toEqual([...BASELINE_IDS]);
    expect(report.failures).toEqual([]);
    for (const row of report.results) {
      for (const field of RESULT_FIELDS) expect(row[field], `${row.label} ${field}`).not.toBeNull();
      expect(rowProblems(row)).toEqual([]);
      expect(row.testSamples).toBe(2000);
      expect(row.dataset).toBe('fashion-mnist');
      expect(row.testAccuracy).toBeGreaterThan(0.5);
      expect(row.testAccuracy).toBeLessThanOrEqual(1);
      expect(row.seed).toBe(42);
    }
    for (const row of report.results.filter((r) => r.role === 'trained')) {
      expect(row.trainSamples).toBe(3000);
      expect(row.epochs).toBe(1);
      expect(row.trainSamplesPerSecond).toBeGreaterThan(0);
    }
    expect(report.data['fashion-mnist'].train).toMatch(/^[0-9a-f]{64}$/);
    expect(report.data['fashion-mnist'].test).toMatch(/^[0-9a-f]{64}$/);
  });

  it('evaluates the model the tfjs run just trained in onnxruntime, with the same predictions', () => {
    for (const model of ['mlp', 'cnn']) {
      const tfjs = report.results.find((r) => r.baseline === `tfjs-${model}`)!;
      const onnx = report.results.find((r) => r.baseline === `onnx-${model}`)!;
      expect(onnx.framework).toBe('onnxruntime-node');
      expect(onnx.trainedBy).toBe(`tfjs-${model}`);
      expect(onnx.model).toBe(tfjs.model);
      expect(onnx.training).toMatchObject({ trainSeconds: tfjs.trainSeconds, seed: 42 });
      expect(onnx.testAccuracy).toBe(tfjs.testAccuracy);
      expect(onnx.confusionMatrix).toEqual(tfjs.confusionMatrix);
    }
  });

  it('records the machine, the date and the settings', () => {
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.cpuModel).not.toBe('');
    expect(report.machine.nodeVersion).toBe(process.version);
    expect(report.machine.memoryGB).toBeGreaterThan(0);
    expect(Date.parse(report.date)).toBeGreaterThan(Date.parse('2024-01-01'));
    expect(report.settings).toMatchObject({
      mode: 'quick',
      trainSamples: 3000,
      testSamples: 2000,
      seed: 42,
    });
    expect(report.references.map((r) => r.accuracy)).toEqual([
      0.916, 0.897, 0.88, 0.871, 0.842, 0.835,
    ]);
  });

  it('writes compare.md with the table, the references and links to every chart', async () => {
    const md = await readFile(path.join(outDir, 'compare.md'), 'utf8');
    expect(md).toContain('| tfjs cnn-small | node · wasm |');
    expect(md).toContain('| onnxruntime-node cnn-small | node · cpu |');
    expect(md).toContain('| brain.js mlp-64 | node · cpu |');
    expect(md).toMatch(/\*\*0\.\d{4}\*\* ★/);
    expect(md).toContain('| scikit-learn SVC | 0.897 |');
    for (const match of md.matchAll(/\]\((charts\/[^)]+)\)/g)) {
      await expect(readFile(path.join(outDir, match[1]))).resolves.toBeDefined();
    }
  });

  it('writes every chart as valid SVG and as a PNG that decodes', async () => {
    const files = (await readdir(path.join(outDir, 'charts'))).sort();
    const stems = [
      'accuracy',
      'per-class',
      'train-throughput',
      'inference-throughput',
      ...BASELINE_IDS.map((id) => `confusion-fashion-mnist-${id}`),
    ];
    expect(files).toEqual(stems.flatMap((s) => [`${s}.png`, `${s}.svg`]).sort());
    for (const stem of stems) {
      const svg = await readFile(path.join(outDir, 'charts', `${stem}.svg`), 'utf8');
      expect(checkWellFormedXml(svg), stem).toBe('svg');
      const { width, height } = decodePngSize(
        await readFile(path.join(outDir, 'charts', `${stem}.png`)),
      );
      expect(width).toBeGreaterThan(200);
      expect(height).toBeGreaterThan(100);
    }
    const accuracy = await readFile(path.join(outDir, 'charts', 'accuracy.svg'), 'utf8');
    expect(accuracy).toContain('scikit-learn SVC');
    expect(accuracy).toContain('tfjs cnn-small (wasm)');
  });

  it('keeps the trained models and their ONNX exports', async () => {
    const models = (await readdir(path.join(outDir, 'models', 'fashion-mnist'))).sort();
    expect(models).toEqual([
      'tfjs-cnn',
      'tfjs-cnn.json',
      'tfjs-cnn.onnx',
      'tfjs-mlp',
      'tfjs-mlp.json',
      'tfjs-mlp.onnx',
    ]);
  });
});

describe('pnpm start --threads 2 (the tfjs jobs on the threaded wasm build)', () => {
  it('records 2 threads on the tfjs rows, names them in the table, and gives the same predictions to ONNX', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fmnist-compare-threads-'));
    try {
      const args = [
        '--quick',
        '--baselines',
        'tfjs-mlp,onnx-mlp',
        '--train-samples',
        '500',
        '--test-samples',
        '500',
        '--epochs',
        '1',
        '--threads',
        '2',
        '--no-png',
        '--progress',
        'none',
      ];
      await startCompare(args, dir, 170_000);
      const threaded: CompareReport = JSON.parse(
        await readFile(path.join(dir, 'compare.json'), 'utf8'),
      );
      const [tfjs, onnx] = threaded.results;
      expect(tfjs).toMatchObject({ baseline: 'tfjs-mlp', backend: 'wasm', threads: 2 });
      expect(onnx.confusionMatrix).toEqual(tfjs.confusionMatrix);
      const md = await readFile(path.join(dir, 'compare.md'), 'utf8');
      expect(md).toContain('| tfjs mlp-128 | node · wasm (2 threads) |');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
