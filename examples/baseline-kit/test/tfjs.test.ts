// The model zoo, the in-memory model files and exportForOnnx, on tfjs's cpu backend.
import { argmax } from '@fmnist/core';
import { toOrtTensor } from '@fmnist/onnx';
import { contractSplit } from '@fmnist/test-utils';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BaselineResult, trainingRecord } from '../src/index.ts';
import {
  buildModel,
  deserializeModel,
  exportForOnnx,
  MODEL_ZOO,
  serializeModel,
  type ZooModelName,
} from '../src/tfjs/index.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A result as runTfjsBaseline writes it, for the training record. */
const result = (model: string): BaselineResult => ({
  framework: 'tfjs',
  frameworkVersion: tf.version.tfjs,
  runtime: 'node',
  backend: 'cpu',
  device: 'cpu',
  dataset: 'fashion-mnist',
  model,
  seed: 3,
  trainSamples: 100,
  testSamples: 37,
  epochs: 1,
  testAccuracy: 0.5,
  perClassAccuracy: [],
  confusionMatrix: [],
  trainSeconds: 1,
  trainSamplesPerSecond: 100,
  inferenceImagesPerSecond: 1000,
  peakRssMB: 0,
  batchSize: 64,
  learningRate: 0.001,
  optimizer: 'adam',
  normalize: 'scale',
  parameters: 10,
});

describe('MODEL_ZOO', () => {
  it('builds every architecture with its documented weight count and name', () => {
    const expected: Record<ZooModelName, [number, string]> = {
      'mlp-128': [101_770, 'mlp-128'],
      'cnn-small': [206_922, 'cnn-small'],
      'cnn-bn': [207_114, 'cnn-bn'],
      'mlp-64': [50_890, 'mlp_64'],
      'cnn-tiny': [9_098, 'cnn_tiny'],
    };
    for (const name of Object.keys(MODEL_ZOO) as ZooModelName[]) {
      const model = buildModel(name, 1);
      expect(model.countParams(), name).toBe(expected[name][0]);
      expect(model.name, name).toBe(expected[name][1]);
      expect(model.outputs[0].shape).toEqual([null, 10]);
      model.dispose();
    }
  });

  it('gives the same starting weights for the same seed, other ones for another', async () => {
    const weights = async (seed: number) => {
      const model = buildModel('cnn-tiny', seed);
      const files = await serializeModel(model);
      model.dispose();
      return files.weights;
    };
    expect(await weights(5)).toEqual(await weights(5));
    expect(await weights(5)).not.toEqual(await weights(6));
  });
});

describe('serializeModel / deserializeModel', () => {
  it('round-trips a model through the two files, predictions unchanged', async () => {
    const model = buildModel('mlp-64', 2);
    const files = await serializeModel(model);
    expect(JSON.parse(files.modelJson).weightsManifest[0].paths).toEqual(['./weights.bin']);
    expect(files.weights.byteLength).toBe(model.countParams() * 4);
    const loaded = await deserializeModel(files);
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 9);
    const want = (model.predict(x) as tf.Tensor).dataSync();
    expect((loaded.predict(x) as tf.Tensor).dataSync()).toEqual(want);
    tf.dispose([x]);
    model.dispose();
    loaded.dispose();
  });
});

describe('exportForOnnx', () => {
  it('gives ONNX bytes that predict like tfjs, and the metadata the ONNX baseline reads', async () => {
    const model = buildModel('cnn-tiny', 4);
    const split = contractSplit(12);
    const trained = result('cnn-tiny');
    const { bytes, metadata } = await exportForOnnx(model, trained, {
      generatedBy: 'test',
      classNames: split.classNames,
      description: MODEL_ZOO['cnn-tiny'].description,
    });
    expect(metadata).toMatchObject({
      model: 'cnn-tiny',
      description: MODEL_ZOO['cnn-tiny'].description,
      dataset: 'fashion-mnist',
      classNames: [...split.classNames],
      normalize: 'scale',
      input: { name: 'input', dims: ['batch', 1, 28, 28], layout: 'nchw' },
      output: { name: 'output', dims: ['batch', 10], kind: 'probabilities' },
      training: trainingRecord(trained),
      parity: null,
      generatedBy: 'test',
    });
    const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
    expect(metadata.onnxSha256).toBe(Buffer.from(digest).toString('hex'));

    const session = await ort.InferenceSession.create(bytes);
    const { output } = await session.run({
      input: toOrtTensor(split, { Tensor: ort.Tensor, layout: 'nchw' }),
    });
    const nhwc = toOrtTensor(split, { Tensor: ort.Tensor, layout: 'nhwc' }).data as Float32Array;
    const want = tf.tidy(() =>
      (model.predict(tf.tensor4d(nhwc, [split.count, 28, 28, 1])) as tf.Tensor).dataSync(),
    ) as Float32Array;
    expect(Array.from(argmax(output.data as Float32Array, split.count, 10))).toEqual(
      Array.from(argmax(want, split.count, 10)),
    );
    await session.release();
    model.dispose();
  });

  it('exports without a result: no training record, names from the options or the model', async () => {
    const model = buildModel('mlp-64', 1);
    const { metadata } = await exportForOnnx(model, null, {
      generatedBy: 'test',
      inputLayout: 'flat',
    });
    expect(metadata).toMatchObject({
      model: 'mlp_64',
      dataset: 'fashion-mnist',
      normalize: 'scale',
      input: { dims: ['batch', 784], layout: 'flat' },
      training: null,
    });
    model.dispose();
  });
});
