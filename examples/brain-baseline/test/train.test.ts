// Tests of runBrainBaseline on real data (accuracy, result shape, reproducibility, GPU refusal) and its CLI.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type DatasetSplit, subset } from '@fmnist/core';
import { loadDataset } from '@fmnist/core/node';
import { realDataDir } from '@fmnist/test-utils';
import { runBaselineCli, withTempDir } from '@fmnist-examples/baseline-kit/contract';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBrain } from '../src/loadBrain.ts';
import { type BrainBaselineOptions, runBrainBaseline } from '../src/train.ts';

const root = path.resolve(import.meta.dirname, '..');
let train: DatasetSplit;
let test: DatasetSplit;
let base: BrainBaselineOptions;

beforeAll(async () => {
  const dataDir = realDataDir('fashion-mnist');
  train = await loadDataset({ split: 'train', dataDir, cache: false });
  test = await loadDataset({ split: 'test', dataDir, cache: false });
  const { brain, version } = await loadBrain();
  base = {
    brain,
    frameworkVersion: version,
    runtime: 'node',
    train,
    test,
    device: 'cpu',
    trainSamples: 3000,
    testSamples: 1000,
    epochs: 2,
    chunkSize: 1000,
    hiddenLayers: [32],
  };
});

describe('runBrainBaseline in Node', () => {
  it('trains on a small subset far above chance and fills the shared result JSON', async () => {
    const phases = new Set<string>();
    const result = await runBrainBaseline({
      ...base,
      onProgress: (p) => phases.add('epoch' in p ? `${p.phase}:${p.epoch}` : p.phase),
      peakRssMB: () => process.resourceUsage().maxRSS / 1024,
    });
    // Chance is 10%; 3000 samples and 2 epochs reach about 75-80%.
    expect(result.testAccuracy).toBeGreaterThan(0.65);
    expect(result).toMatchObject({
      framework: 'brain.js',
      frameworkVersion: '2.0.0-beta.24',
      runtime: 'node',
      backend: 'cpu',
      device: 'cpu',
      dataset: 'fashion-mnist',
      model: 'mlp-32',
      seed: 0,
      trainSamples: 3000,
      testSamples: 1000,
      epochs: 2,
      networkClass: 'NeuralNetwork',
      gpuJsMode: null,
    });
    expect(result.perClassAccuracy).toHaveLength(10);
    expect(result.confusionMatrix).toHaveLength(10);
    expect(result.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(1000);
    for (const key of [
      'trainSeconds',
      'trainSamplesPerSecond',
      'inferenceImagesPerSecond',
      'peakRssMB',
    ] as const) {
      expect(result[key]).toBeGreaterThan(0);
    }
    expect(result.trainSamplesPerSecond).toBeCloseTo(6000 / result.trainSeconds, -1);
    // The kit's progress union: 'test' is now 'evaluate', with 'backend', 'epoch' and 'done' around.
    expect([...phases]).toEqual([
      'backend',
      'train:1',
      'epoch:1',
      'train:2',
      'epoch:2',
      'evaluate',
      'done',
    ]);
  });

  it('is reproducible: the seed fixes the initial weights and the order', async () => {
    const options = { ...base, trainSamples: 1000, testSamples: 300, epochs: 1, seed: 5 };
    const a = await runBrainBaseline(options);
    const b = await runBrainBaseline(options);
    expect(b.confusionMatrix).toEqual(a.confusionMatrix);
    const c = await runBrainBaseline({ ...options, seed: 6 });
    expect(c.confusionMatrix).not.toEqual(a.confusionMatrix);
  });

  it('refuses device gpu where gpu.js finds no GPU, unless fallback is allowed', async () => {
    const small = {
      ...base,
      train: subset(train, { count: 200 }),
      test: subset(test, { count: 100 }),
      epochs: 1,
    };
    await expect(runBrainBaseline({ ...small, device: 'gpu' })).rejects.toThrow(
      /found no GPU \(mode "cpu"\)/,
    );
    const fallback = await runBrainBaseline({ ...small, device: 'gpu', allowGpuFallback: true });
    expect(fallback).toMatchObject({
      networkClass: 'NeuralNetworkGPU',
      backend: 'gpu.js-cpu',
      device: 'cpu',
      gpuInputPatched: true,
    });
    expect(fallback.testAccuracy).toBeGreaterThan(0.2);
  });
});

describe('pnpm start', () => {
  it('writes the result JSON (with the --normalize asked for) and says which network ran', async () => {
    await withTempDir('brain-cli-', async (dir) => {
      const out = path.join(dir, 'result.json');
      const { stdout } = await runBaselineCli(
        root,
        [
          '--train-samples',
          '2000',
          '--test-samples',
          '200',
          '--epochs',
          '1',
          '--hidden',
          '16',
          '--normalize',
          'standardize',
          '--out',
          out,
        ],
        { env: { ...process.env, FMNIST_DATA_DIR: realDataDir('fashion-mnist') } },
      );
      expect(stdout).toMatch(/device: cpu \(auto\)/);
      expect(stdout).toMatch(/network: NeuralNetwork, backend cpu, device cpu/);
      const result = JSON.parse(readFileSync(out, 'utf8'));
      expect(result).toMatchObject({
        framework: 'brain.js',
        trainSamples: 2000,
        testSamples: 200,
        model: 'mlp-16',
        requestedDevice: 'auto',
        normalize: 'standardize',
      });
      expect(result.testAccuracy).toBeGreaterThan(0.4);
    });
  });

  it('fails clearly for --device gpu without a GPU', async () => {
    const run = runBaselineCli(
      root,
      ['--device', 'gpu', '--train-samples', '100', '--test-samples', '100'],
      { env: { ...process.env, FMNIST_DATA_DIR: realDataDir('fashion-mnist') } },
    );
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/found no GPU/),
    });
  });
});
