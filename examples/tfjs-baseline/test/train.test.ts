// Tests of runTfjsBaseline on real data (wasm MLP and CNN, model files), backend choice and the CLI.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type DatasetSplit, loadDataset, subset } from '@fmnist/core/node';
import { realDataDir } from '@fmnist/test-utils';
import { predictClasses } from '@fmnist/tfjs';
import { BASELINE_RESULT_FIELDS } from '@fmnist-examples/baseline-kit';
import { runBaselineCli, withTempDir } from '@fmnist-examples/baseline-kit/contract';
import { deserializeModel, serializeModel } from '@fmnist-examples/baseline-kit/tfjs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../src/backendChoice.ts';
import { selectNodeBackend } from '../src/nodeBackend.ts';
import { runTfjsBaseline } from '../src/train.ts';

let train: DatasetSplit;
let test: DatasetSplit;
let dataDir: string;

beforeAll(async () => {
  dataDir = realDataDir('fashion-mnist');
  [train, test] = await Promise.all([
    loadDataset({ split: 'train', dataDir, cache: false }),
    loadDataset({ split: 'test', dataDir, cache: false }),
  ]);
  const choice = await selectNodeBackend();
  // Here (no tfjs-node) the best Node backend is wasm, with the @fmnist/tfjs training kernels.
  expect(choice.backend).toBe('wasm');
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('runTfjsBaseline (Node, wasm)', () => {
  it('trains the MLP on 5,000 images to far above chance on the full test split', async () => {
    const before = tf.memory().numTensors;
    const { result, model } = await runTfjsBaseline({
      model: 'mlp',
      train,
      test,
      runtime: 'node',
      backend: 'wasm',
      device: 'cpu',
      trainSamples: 5000,
      epochs: 2,
      peakRssMB: () => process.resourceUsage().maxRSS / 1024,
    });
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (const field of BASELINE_RESULT_FIELDS) expect(result).toHaveProperty(field);
    expect(result).toMatchObject({
      framework: 'tfjs',
      runtime: 'node',
      backend: 'wasm',
      device: 'cpu',
      dataset: 'fashion-mnist',
      model: 'mlp-128',
      trainSamples: 5000,
      testSamples: 10000,
      epochs: 2,
    });
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.7);
    expect(result.perClassAccuracy).toHaveLength(10);
    expect(result.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(10000);
    expect(result.trainSamplesPerSecond).toBeGreaterThan(0);
    expect(result.inferenceImagesPerSecond).toBeGreaterThan(0);
    expect(result.peakRssMB).toBeGreaterThan(50);
  }, 240_000);

  it('trains the CNN on wasm (the registered kernels) and saves a model that loads back', async () => {
    const { result, model } = await runTfjsBaseline({
      model: 'cnn',
      train,
      test: subset(test, { count: 1000 }),
      runtime: 'node',
      backend: 'wasm',
      device: 'cpu',
      trainSamples: 1024,
      epochs: 1,
    });
    try {
      // The full-run CNN and recipe from the kit's PLAN.
      expect(result.model).toBe('cnn-bn');
      expect(result).toMatchObject({ learningRate: 0.002, learningRateDecay: 0.75, augment: null });
      // 16 steps of Adam: well above the 10% of guessing, far from converged.
      expect(result.testAccuracy).toBeGreaterThan(0.4);
      const files = await serializeModel(model);
      const json = JSON.parse(files.modelJson);
      expect(json.format).toBe('layers-model');
      expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);
      expect(files.weights.byteLength).toBe((result.parameters as number) * 4);
      const loaded = await deserializeModel(files);
      const sample = subset(test, { count: 200 });
      expect(await predictClasses(loaded, sample)).toEqual(await predictClasses(model, sample));
      loaded.dispose();
    } finally {
      model.dispose();
    }
  }, 240_000);
});

describe('the training recipe', () => {
  it('decays the learning rate per epoch: a decay of 1e-7 freezes the model after epoch 1', async () => {
    const sample = subset(test, { count: 500 });
    const predictionsAfter = async (epochs: number, learningRateDecay: number) => {
      const { model } = await runTfjsBaseline({
        model: 'mlp',
        train,
        test: sample,
        runtime: 'node',
        backend: 'wasm',
        device: 'cpu',
        trainSamples: 1000,
        epochs,
        learningRateDecay,
      });
      try {
        return Array.from(await predictClasses(model, sample));
      } finally {
        model.dispose();
      }
    };
    const one = await predictionsAfter(1, 1);
    const frozen = await predictionsAfter(3, 1e-7);
    const trained = await predictionsAfter(3, 1);
    const differences = (a: number[], b: number[]) => a.filter((v, i) => v !== b[i]).length;
    expect(differences(one, frozen)).toBeLessThanOrEqual(1);
    expect(differences(one, trained)).toBeGreaterThan(10);
  }, 240_000);

  it('augments when asked (recorded), and refuses flips on MNIST, whose digits are not mirror images', async () => {
    const mnistDir = realDataDir('mnist');
    const [mnistTrain, mnistTest] = await Promise.all([
      loadDataset({ dataset: 'mnist', split: 'train', dataDir: mnistDir, cache: false }),
      loadDataset({ dataset: 'mnist', split: 'test', dataDir: mnistDir, cache: false }),
    ]);
    const options = {
      model: 'mlp' as const,
      test: subset(mnistTest, { count: 100 }),
      runtime: 'node' as const,
      backend: 'wasm',
      device: 'cpu' as const,
      trainSamples: 64,
      epochs: 1,
    };
    const shifted = await runTfjsBaseline({
      ...options,
      train: mnistTrain,
      augment: { maxShift: 2 },
    });
    shifted.model.dispose();
    expect(shifted.result.augment).toEqual({ maxShift: 2 });
    await expect(
      runTfjsBaseline({ ...options, train: mnistTrain, augment: { maxShift: 1, flip: true } }),
    ).rejects.toThrow(
      /augment\.flip mirrors images left-right, which changes what mnist images show/,
    );
    const flipped = await runTfjsBaseline({ ...options, train, augment: { flip: true } });
    flipped.model.dispose();
    expect(flipped.result.augment).toEqual({ flip: true });
    await expect(
      runTfjsBaseline({ ...options, train, test, learningRateDecay: 2 }),
    ).rejects.toThrow(/learningRateDecay must be in \(0, 1\], got 2/);
  }, 240_000);
});

describe('backend choice', () => {
  const candidate = (name: string, ok: boolean | Error) => ({
    name,
    backend: name,
    device: 'cpu' as const,
    backendPackage: `pkg-${name}`,
    load: async () => {
      if (ok instanceof Error) throw ok;
      return ok;
    },
  });

  it('falls back in order, recording why each was skipped', async () => {
    const choice = await chooseBackend([
      candidate('a', false),
      candidate('b', new Error('no adapter')),
      candidate('c', true),
    ]);
    expect(choice.backend).toBe('c');
    expect(choice.skipped).toEqual([
      { backend: 'a', reason: 'not available' },
      { backend: 'b', reason: 'no adapter' },
    ]);
  });

  it('never falls back from a forced backend', async () => {
    await expect(chooseBackend([candidate('a', false), candidate('b', true)], 'a')).rejects.toThrow(
      /No usable tfjs backend: a/,
    );
    await expect(chooseBackend([candidate('a', true)], 'webgpu')).rejects.toThrow(
      /Unknown backend/,
    );
  });
});

describe('pnpm start (CLI)', () => {
  it('trains, writes the result JSON and the model files', async () => {
    await withTempDir('tfjs-baseline-', async (dir) => {
      const out = path.join(dir, 'result.json');
      const { stdout } = await runBaselineCli(
        path.resolve(import.meta.dirname, '..'),
        [
          '--model',
          'mlp',
          '--train-samples',
          '2000',
          '--epochs',
          '1',
          '--backend',
          'wasm',
          '--data-dir',
          dataDir,
          '--out',
          out,
          '--save-model',
          path.join(dir, 'model'),
        ],
        { timeout: 180_000 },
      );
      expect(stdout).toMatch(/backend: wasm/);
      expect(stdout).toMatch(/epoch 1\/1 batch 1\/32 loss/);
      const result = JSON.parse(await readFile(out, 'utf8'));
      expect(result.trainSamples).toBe(2000);
      expect(result.backendPackage).toBe('@tensorflow/tfjs-backend-wasm');
      const modelJson = JSON.parse(await readFile(path.join(dir, 'model', 'model.json'), 'utf8'));
      expect(modelJson.modelTopology).toBeDefined();
    });
  }, 240_000);

  it('runs wasm on 2 threads with --threads 2 and records the count', async () => {
    await withTempDir('tfjs-baseline-threads-', async (dir) => {
      const out = path.join(dir, 'result.json');
      const { stdout } = await runBaselineCli(
        path.resolve(import.meta.dirname, '..'),
        ['--model', 'mlp', '--train-samples', '500', '--epochs', '1', '--backend', 'wasm'].concat([
          '--threads',
          '2',
          '--data-dir',
          dataDir,
          '--out',
          out,
        ]),
        { timeout: 180_000 },
      );
      expect(stdout).toMatch(/backend: wasm \(cpu, @tensorflow\/tfjs-backend-wasm, 2 threads\)/);
      const result = JSON.parse(await readFile(out, 'utf8'));
      expect(result.threads).toBe(2);
      expect(result.trainSamples).toBe(500);
      expect(result.testAccuracy).toBeGreaterThan(0.5);
    });
  }, 240_000);
});
