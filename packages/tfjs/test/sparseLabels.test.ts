// Sparse labels that tfjs trains with: 'sparse' float32 class ids through fit and fitDataset.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { toTensors, toTfDataset } from '../src/index.ts';
import { syntheticSplit } from './helpers.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function sparseModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [784],
        units: 10,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
      }),
    ],
  });
  model.compile({
    optimizer: tf.train.adam(0.01),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

function expectLearning(losses: number[]): void {
  expect(losses.every(Number.isFinite), String(losses)).toBe(true);
  expect(losses.at(-1)!, String(losses)).toBeLessThan(losses[0]);
}

describe("labels: 'sparse' with sparseCategoricalCrossentropy", () => {
  it("reproduces why 'int32' class ids cannot be the recipe: tfjs 4.22 floors its targets", async () => {
    const model = sparseModel();
    const { xs, ys } = toTensors(syntheticSplit(16), { layout: 'flat', labels: 'int32' });
    await expect(model.fit(xs, ys, { epochs: 1, verbose: 0 })).rejects.toThrow(
      /floor.*must be float32/,
    );
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('gives float32 class ids [N] that model.fit trains on, the loss falling', async () => {
    const split = syntheticSplit(64);
    const { xs, ys } = toTensors(split, { layout: 'flat', labels: 'sparse' });
    expect(ys.dtype).toBe('float32');
    expect(ys.shape).toEqual([64]);
    expect(Array.from(await ys.data())).toEqual(Array.from(split.labels));
    const model = sparseModel();
    const history = await model.fit(xs, ys, { epochs: 6, batchSize: 16, verbose: 0 });
    expectLearning(history.history.loss as number[]);
    expect((history.history.acc as number[]).every(Number.isFinite)).toBe(true);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('gives batches that model.fitDataset trains on, the loss falling', async () => {
    const dataset = toTfDataset(syntheticSplit(64), {
      batchSize: 16,
      shuffle: true,
      seed: 2,
      layout: 'flat',
      labels: 'sparse',
    });
    const model = sparseModel();
    const history = await model.fitDataset(dataset, { epochs: 6, verbose: 0 });
    expectLearning(history.history.loss as number[]);
    model.dispose();
  });
});
