// Both brain.js versions for real: training, prediction, and the failures turned into errors.
import { type DatasetSplit, type FmnistError, subset } from '@fmnist/core';
import { thrownBy } from '@fmnist/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assertBrainTrainingSet,
  decodeOutput,
  gpuMode,
  patchNeuralNetworkGPU,
  predictClasses,
  toBrainTrainingSet,
  trainingChunks,
} from '../src/index.ts';
import { accuracy, loadBrainV1, loadBrainV2, realSplit } from './helpers.ts';

// Real training on real Fashion-MNIST, kept small: a few thousand samples, a few seconds each.
// Chance is 10%; these nets reach 70-80% here, so the bar of 60% only fails on a real bug.
const BAR = 0.6;
const TRAIN = { iterations: 3, errorThresh: 1e-6, learningRate: 0.1, momentum: 0.1 };

let train: DatasetSplit;
let test: DatasetSplit;

beforeAll(async () => {
  train = await realSplit('train');
  test = subset(await realSplit('test'), { count: 1000 });
});

describe('brain.js 2.0.0-beta.24, for real', () => {
  it('loads (main entry needs the native gl binding; else the browser bundle)', async () => {
    const { brain, entry, mainError } = await loadBrainV2();
    expect(typeof brain.NeuralNetwork).toBe('function');
    if (entry !== 'brain.js') {
      // The only acceptable reason: gpu.js's Node build could not load `gl`.
      expect(String((mainError as Error)?.message ?? mainError)).toMatch(
        /bindings|webgl\.node|'gl'/,
      );
    }
  });

  it('trains on Float32Array views and predicts far above chance', async () => {
    const { brain } = await loadBrainV2();
    const data = toBrainTrainingSet(train, { subset: 2000, shuffle: true, seed: 1 });
    const net = new brain.NeuralNetwork<Float32Array, Float32Array>({ hiddenLayers: [32] });
    const status = net.train(data, TRAIN);
    expect(Number.isFinite(status.error)).toBe(true);
    // Trained on typed arrays, run() returns a position-keyed object: decodeOutput handles it.
    const raw = net.run(data[0].input as Float32Array) as unknown;
    expect(Array.isArray(raw) || ArrayBuffer.isView(raw)).toBe(false);
    expect(decodeOutput(raw as Record<string, number>, train.classNames).index).toBeLessThan(10);
    const predictions = predictClasses(net, test);
    expect(accuracy(test.labels, predictions)).toBeGreaterThan(BAR);
  });

  it('trains chunk by chunk on class-name hashes and answers with names', async () => {
    const { brain } = await loadBrainV2();
    const net = new brain.NeuralNetwork({ hiddenLayers: [32] });
    const part = subset(train, { count: 3000 });
    let chunks = 0;
    for (let epoch = 0; epoch < 2; epoch++) {
      for (const chunk of trainingChunks(part, {
        chunkSize: 1000,
        shuffle: true,
        seed: epoch,
        labels: 'class-names',
        hashOutputs: 'dense',
      })) {
        net.train(chunk.data, { ...TRAIN, iterations: 1 });
        chunks++;
      }
    }
    expect(chunks).toBe(6);
    const output = net.run(toBrainTrainingSet(test, { subset: 1 })[0].input as never) as Record<
      string,
      number
    >;
    expect(Object.keys(output)).toEqual([...train.classNames]);
    expect(accuracy(test.labels, predictClasses(net, test))).toBeGreaterThan(BAR);
  });

  it('NeuralNetworkGPU outputs NaN on 784 inputs unless patched (gpu.js CPU fallback in Node)', async () => {
    const { brain } = await loadBrainV2();
    const data = toBrainTrainingSet(train, { subset: 300 });
    const broken = new brain.NeuralNetworkGPU({ hiddenLayers: [16] });
    broken.train(data, { ...TRAIN, iterations: 1 });
    expect(() => predictClasses(broken, subset(test, { count: 5 }))).toThrow(/NaN/);

    const net = patchNeuralNetworkGPU(new brain.NeuralNetworkGPU({ hiddenLayers: [16] }));
    expect(patchNeuralNetworkGPU(net)).toBe(net);
    net.train(toBrainTrainingSet(train, { subset: 1000 }), { ...TRAIN, iterations: 2 });
    // No `gl` in Node here: gpu.js silently runs its kernels in JavaScript.
    expect(gpuMode(net)).toBe('cpu');
    const small = subset(test, { count: 200 });
    expect(accuracy(small.labels, predictClasses(net, small))).toBeGreaterThan(0.4);
    // The CPU network is left alone.
    const cpu = new brain.NeuralNetwork();
    expect(patchNeuralNetworkGPU(cpu)).toBe(cpu);
    expect(gpuMode(cpu)).toBeUndefined();
  });
});

describe('brain.js 1.6.1, for real', () => {
  it('gets number[] samples, trains and predicts far above chance', async () => {
    const brain = await loadBrainV1();
    const net = new brain.NeuralNetwork({ hiddenLayers: [32] });
    const data = toBrainTrainingSet(train, { subset: 2000, shuffle: true, seed: 1, brain });
    expect(Array.isArray(data[0].input)).toBe(true);
    assertBrainTrainingSet(data, { inputSize: 784, outputSize: 10 });
    const status = net.train(data as { input: number[]; output: number[] }[], TRAIN);
    expect(Number.isFinite(status.error)).toBe(true);
    // Trained on arrays, run() returns an array of scores.
    expect(ArrayBuffer.isView(net.run(data[0].input as number[]))).toBe(true);
    expect(accuracy(test.labels, predictClasses(net, test))).toBeGreaterThan(BAR);
  });

  it('trains ragged input to NaN silently; assertBrainTrainingSet and decodeOutput refuse it', async () => {
    const brain = await loadBrainV1();
    const data = toBrainTrainingSet(train, { subset: 20, brain }) as {
      input: number[];
      output: number[];
    }[];
    const ragged = data.map((d, i) => (i === 7 ? { ...d, input: d.input.slice(0, 700) } : d));
    expect(() => assertBrainTrainingSet(ragged)).toThrow(/sample 7: input has length 700/);
    const net = new brain.NeuralNetwork({ hiddenLayers: [8] });
    net.train(ragged, { iterations: 1 });
    const output = net.run(data[0].input);
    expect(Number.isNaN(output[0])).toBe(true);
    const error = thrownBy(() => decodeOutput(output));
    expect((error as FmnistError).code).toBe('INVALID_ARGUMENT');
  });
});
