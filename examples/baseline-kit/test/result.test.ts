// The baseline result shape: a result built from core's evaluate survives JSON and lists every field.
import { evaluate } from '@fmnist/core';
import { describe, expect, it } from 'vitest';
import { BASELINE_RESULT_FIELDS, type BaselineResult } from '../src/index.ts';

const labels = [0, 0, 1, 1, 2, 2];
const predictions = Uint8Array.of(0, 1, 1, 1, 0, 2);

describe('BaselineResult', () => {
  it('fills a BaselineResult that survives JSON', () => {
    const { accuracy, perClassAccuracy, confusionMatrix } = evaluate(labels, predictions, 3);
    const result: BaselineResult = {
      framework: 'test',
      frameworkVersion: '0.0.0',
      runtime: 'node',
      backend: 'cpu',
      device: 'cpu',
      dataset: 'fashion-mnist',
      model: 'none',
      seed: 0,
      trainSamples: 0,
      testSamples: labels.length,
      epochs: 0,
      testAccuracy: accuracy,
      perClassAccuracy,
      confusionMatrix,
      trainSeconds: 0,
      trainSamplesPerSecond: 0,
      inferenceImagesPerSecond: 0,
      peakRssMB: 0,
      note: 'extra fields are allowed',
    };
    const back = JSON.parse(JSON.stringify(result)) as BaselineResult;
    expect(back.testAccuracy).toBe(4 / 6);
    expect(back.confusionMatrix).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    expect(back.note).toBe('extra fields are allowed');
    for (const field of BASELINE_RESULT_FIELDS) expect(back).toHaveProperty(field);
  });
});
