// Tests of runOnnxBaseline on the real test split (providers, layouts, typed errors) and its CLI.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DatasetSplit, isFmnistError, subset } from '@fmnist/core';
import { loadDataset } from '@fmnist/core/node';
import {
  encodeOnnxModel,
  exportTfjsToOnnx,
  type TfjsModelJson,
  tfjsArtifactsFromFiles,
} from '@fmnist/onnx/export';
import { realDataDir } from '@fmnist/test-utils';
import type { ModelMetadata } from '@fmnist-examples/baseline-kit';
import { runBaselineCli, withTempDir } from '@fmnist-examples/baseline-kit/contract';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { type OnnxBaselineOptions, runOnnxBaseline } from '../src/run.ts';

const exampleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const models = path.join(exampleDir, 'models');
ortWeb.env.wasm.numThreads = 1;

async function committed(name: 'cnn' | 'mlp') {
  const model = new Uint8Array(await readFile(path.join(models, `${name}.onnx`)));
  const metadata = JSON.parse(
    await readFile(path.join(models, `${name}.json`), 'utf8'),
  ) as ModelMetadata;
  return { model, metadata };
}

describe('runOnnxBaseline on the real test split', () => {
  let test: DatasetSplit;
  const base = (): Omit<OnnxBaselineOptions, 'model'> => ({
    ort: ortNode,
    framework: 'onnxruntime-node',
    runtime: 'node',
    executionProviders: ['cpu'],
    test,
    quick: true,
    minSeconds: 0.05,
  });

  beforeAll(async () => {
    test = await loadDataset({ split: 'test', dataDir: realDataDir(), cache: false });
  });

  it('evaluates the committed CNN with onnxruntime-node: the tfjs accuracy, training fields from metadata', async () => {
    const { model, metadata } = await committed('cnn');
    const result = await runOnnxBaseline({ ...base(), model, metadata });
    expect(result).toMatchObject({
      framework: 'onnxruntime-node',
      frameworkVersion: '1.30.0',
      runtime: 'node',
      backend: 'cpu',
      device: 'cpu',
      dataset: 'fashion-mnist',
      model: 'cnn-tiny',
      seed: metadata.training?.seed,
      trainSamples: 60_000,
      epochs: metadata.training?.epochs,
      testSamples: 10_000,
      executionProvider: 'cpu',
      executionProviderFallbacks: [],
      evaluationBatchSize: 500,
      inferenceBatchSize: 500,
      input: { name: 'input', dims: ['batch', 1, 28, 28], layout: 'nchw' },
      modelSha256: metadata.onnxSha256,
    });
    // Every prediction equals tfjs's (see the parity test), so the accuracy is tfjs's exactly.
    expect(result.testAccuracy).toBe(metadata.training?.testAccuracy);
    expect(result.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(result.inferenceThroughput.map((t) => t.batchSize)).toEqual([1, 64, 500]);
    for (const t of result.inferenceThroughput) expect(t.imagesPerSecond).toBeGreaterThan(0);
  });

  it('evaluates a test split smaller than one evaluation batch (the batch shrinks to fit)', async () => {
    const { model, metadata } = await committed('mlp');
    const small = subset(test, { count: 300 });
    const result = await runOnnxBaseline({ ...base(), test: small, model, metadata });
    expect(result.testSamples).toBe(300);
    expect(result.evaluationBatchSize).toBe(300);
    expect(result.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(300);
  });

  it('gives the same accuracy with onnxruntime-web wasm, and falls back past a failing provider', async () => {
    const { model, metadata } = await committed('mlp');
    const result = await runOnnxBaseline({
      ...base(),
      ort: ortWeb,
      framework: 'onnxruntime-web',
      executionProviders: ['webgpu', 'wasm'],
      model,
      metadata,
      batchSizes: [64],
    });
    expect(result.executionProvider).toBe('wasm');
    expect(
      (result.executionProviderFallbacks as { executionProvider: string }[])[0].executionProvider,
    ).toBe('webgpu');
    expect(result.frameworkVersion).toBe('1.30.0');
    expect(result.testAccuracy).toBe(metadata.training?.testAccuracy);
  });

  it('takes any model with input [N,784] or a fixed [1,1,28,28], without metadata', async () => {
    const folder = path.join(models, 'cnn.tfjs');
    const modelJson = JSON.parse(
      await readFile(path.join(folder, 'model.json'), 'utf8'),
    ) as TfjsModelJson;
    const artifacts = await tfjsArtifactsFromFiles(modelJson, (p) =>
      readFile(path.join(folder, p)),
    );
    const { metadata } = await committed('cnn');

    const flat = await runOnnxBaseline({
      ...base(),
      model: exportTfjsToOnnx(artifacts, { inputLayout: 'flat' }),
    });
    expect(flat).toMatchObject({
      model: 'onnx-model',
      seed: null,
      trainSamples: null,
      epochs: null,
      trainSeconds: null,
    });
    expect(flat.input).toMatchObject({ dims: ['batch', 784], layout: 'flat' });
    expect(flat.testAccuracy).toBe(metadata.training?.testAccuracy);

    const fixed = await runOnnxBaseline({
      ...base(),
      model: exportTfjsToOnnx(artifacts, { inputLayout: 'nchw', batchSize: 1 }),
      modelName: 'fixed-batch',
    });
    expect(fixed.evaluationBatchSize).toBe(1);
    expect(fixed.inferenceBatchSize).toBe(1);
    expect(fixed.inferenceThroughput.map((t) => t.batchSize)).toEqual([1]);
    expect(fixed.testAccuracy).toBe(metadata.training?.testAccuracy);
  });

  it('rejects a model whose input is not an image batch, and reports when no provider works', async () => {
    const notImages = encodeOnnxModel({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'g',
        nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['y'] }],
        initializers: [],
        inputs: [{ name: 'x', elemType: 1, dims: ['n', 3] }],
        outputs: [{ name: 'y', elemType: 1, dims: ['n', 3] }],
      },
    });
    const error = await runOnnxBaseline({ ...base(), model: notImages }).catch((e: unknown) => e);
    expect(isFmnistError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(/expected an image batch/);

    const { model } = await committed('mlp');
    const none = await runOnnxBaseline({
      ...base(),
      model,
      executionProviders: ['no-such-ep'],
    }).catch((e: unknown) => e);
    expect(isFmnistError(none, 'INVALID_ARGUMENT')).toBe(true);
    expect((none as Error).message).toMatch(/no-such-ep/);
  });
});

describe('pnpm start', () => {
  it('writes the baseline result JSON for --model --quick --dataset mnist --out', async () => {
    await withTempDir('onnx-baseline-cli-', async (dir) => {
      const out = path.join(dir, 'result.json');
      const { stdout } = await runBaselineCli(
        exampleDir,
        [
          '--model',
          'models/mlp.onnx',
          '--quick',
          '--dataset',
          'mnist',
          '--out',
          out,
          '--batch-sizes',
          '1,64',
        ],
        {
          env: {
            ...process.env,
            FMNIST_MNIST_DIR: realDataDir('mnist'),
            FMNIST_DATA_DIR: realDataDir(),
          },
        },
      );
      expect(stdout).toMatch(/execution provider: cpu/);
      const result = JSON.parse(await readFile(out, 'utf8'));
      expect(result).toMatchObject({
        framework: 'onnxruntime-node',
        dataset: 'mnist',
        model: 'mlp-64',
        modelTrainedOn: 'fashion-mnist',
        testSamples: 10_000,
        modelFile: 'models/mlp.onnx',
      });
      expect(result.peakRssMB).toBeGreaterThan(0);
      expect(result.inferenceThroughput.map((t: { batchSize: number }) => t.batchSize)).toEqual([
        1, 64,
      ]);
      for (const key of [
        'perClassAccuracy',
        'confusionMatrix',
        'inferenceImagesPerSecond',
        'trainSeconds',
        'trainSamplesPerSecond',
      ]) {
        expect(result).toHaveProperty(key);
      }
    });
  }, 120_000);
});
