// The plan table and the shared helpers around it: one set of numbers for every owner.
import { contractSplit } from '@fmnist/test-utils';
import { describe, expect, it } from 'vitest';
import {
  formatJson,
  formatProgress,
  formatResult,
  PLAN,
  planFor,
  prefixOf,
  QUICK_TRAIN_SAMPLES,
  resolveTraining,
} from '../src/index.ts';

describe('PLAN', () => {
  it('holds what the comparison runs (quick: the first 10,000 images) and the full runs', () => {
    expect(QUICK_TRAIN_SAMPLES).toBe(10_000);
    expect(planFor('tfjs-mlp', 'quick')).toEqual({ epochs: 5, trainSamples: 10_000 });
    expect(planFor('tfjs-cnn', 'quick')).toEqual({ epochs: 4, trainSamples: 10_000 });
    expect(planFor('brain-mlp', 'quick')).toEqual({ epochs: 5, trainSamples: 10_000 });
    expect(planFor('tfjs-mlp', 'full')).toEqual({ epochs: 15, trainSamples: null });
    expect(planFor('tfjs-cnn', 'full')).toEqual({
      epochs: 12,
      trainSamples: null,
      learningRate: 0.002,
      learningRateDecay: 0.75,
      model: 'cnn-bn',
    });
    expect(planFor('brain-mlp', 'full')).toEqual({
      epochs: 5,
      trainSamples: null,
      learningRateDecay: 0.6,
      momentum: 0.5,
      hiddenLayers: [128],
    });
    expect(PLAN.quick.onnx.timedImages).toBe(1000);
    expect(PLAN.full.onnx.timedImages).toBeNull();
    // The committed ONNX models' recipe, as their metadata records it.
    expect(PLAN.committed).toEqual({
      'mlp-64': { epochs: 10, trainSamples: null },
      'cnn-tiny': { epochs: 6, trainSamples: null },
    });
  });

  it('lets explicit options win over the plan', () => {
    expect(resolveTraining('tfjs-cnn', { quick: true })).toEqual({
      epochs: 4,
      trainSamples: 10_000,
    });
    expect(resolveTraining('tfjs-cnn', { epochs: 3 })).toEqual({
      ...planFor('tfjs-cnn', 'full'),
      epochs: 3,
    });
    expect(resolveTraining('brain-mlp', { quick: true, epochs: 2, trainSamples: 300 })).toEqual({
      epochs: 2,
      trainSamples: 300,
    });
  });
});

describe('prefixOf', () => {
  it('takes the first N samples, or the split itself', () => {
    const split = contractSplit(20);
    expect(prefixOf(split, 5).count).toBe(5);
    expect(Array.from(prefixOf(split, 5).labels)).toEqual(Array.from(split.labels.subarray(0, 5)));
    expect(prefixOf(split, 20)).toBe(split);
    expect(prefixOf(split, 99)).toBe(split);
    expect(prefixOf(split, null)).toBe(split);
    expect(prefixOf(split)).toBe(split);
  });
});

describe('result files', () => {
  it('formatResult keeps each number row on one line', () => {
    const text = formatResult({
      confusionMatrix: [
        [1, 2],
        [3, 4],
      ],
      model: 'm',
    });
    expect(text).toBe(
      '{\n  "confusionMatrix": [\n    [1, 2],\n    [3, 4]\n  ],\n  "model": "m"\n}\n',
    );
    expect(JSON.parse(text)).toEqual({
      confusionMatrix: [
        [1, 2],
        [3, 4],
      ],
      model: 'm',
    });
  });

  it('formatJson collapses short arrays of plain values, as biome prints them', () => {
    const long = Array.from({ length: 30 }, (_, i) => `class-${i}`);
    const text = formatJson({ dims: ['batch', 1, 28, 28], long });
    expect(text).toContain('"dims": ["batch", 1, 28, 28]');
    expect(text).toContain('"long": [\n    "class-0",');
    expect(JSON.parse(text)).toEqual({ dims: ['batch', 1, 28, 28], long });
  });
});

describe('formatProgress', () => {
  it('prints one line per report, as the command lines and pages show them', () => {
    expect(
      formatProgress({
        phase: 'train',
        epoch: 1,
        epochs: 2,
        batch: 40,
        batches: 157,
        done: 2560,
        total: 10_000,
        loss: 0.61,
        accuracy: 0.78,
        samplesPerSecond: 2100.4,
        seconds: 1.2,
      }),
    ).toBe('epoch 1/2 batch 40/157 loss 0.6100 acc 0.7800 2100 samples/s');
    expect(
      formatProgress({
        phase: 'epoch',
        epoch: 2,
        epochs: 2,
        samplesPerSecond: 99,
        seconds: 3,
      }),
    ).toBe('epoch 2/2 done: 99 samples/s');
    expect(formatProgress({ phase: 'evaluate', done: 500, total: 10_000, seconds: 1 })).toBe(
      'evaluated 500/10000 test images',
    );
    expect(formatProgress({ phase: 'throughput', batchSize: 64, imagesPerSecond: 1234.5 })).toBe(
      'batch 64: 1235 images/s',
    );
    expect(
      formatProgress({ phase: 'backend', backend: 'webgpu', status: 'failed', error: 'no\nx' }),
    ).toBe('backend webgpu failed: no');
    expect(formatProgress({ phase: 'done', testAccuracy: 0.8765, seconds: 12.34 })).toBe(
      'test accuracy 87.65% (12.3 s)',
    );
  });
});
