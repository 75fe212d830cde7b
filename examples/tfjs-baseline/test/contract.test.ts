// The baseline contract run against runTfjsBaseline, on tfjs's pure-JS cpu backend and generated data.
import { describeBaselineContract } from '@fmnist-examples/baseline-kit/contract';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll } from 'vitest';
import { runTfjsBaseline } from '../src/train.ts';

let before = '';
beforeAll(async () => {
  before = tf.getBackend();
  await tf.setBackend('cpu');
});
afterAll(async () => {
  if (before) await tf.setBackend(before);
});

describeBaselineContract({
  name: 'tfjs (mlp-128, cpu)',
  trains: true,
  run: async ({ onProgress, ...options }) => {
    const { result, model } = await runTfjsBaseline({
      ...options,
      model: 'mlp',
      runtime: 'node',
      backend: 'cpu',
      device: 'cpu',
      batchSize: 32,
      onProgress,
    });
    model.dispose();
    return result;
  },
});
