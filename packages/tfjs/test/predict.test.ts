// decodeClasses, decodeClassNames, decodeOutput and predictClasses of the tfjs adapter.
import { argmax, fashionMnist, isFmnistError } from '@fmnist/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeClasses,
  decodeClassNames,
  decodeOutput,
  predictClasses,
  toTensors,
} from '../src/index.ts';
import { raggedSplit, seeded, syntheticSplit } from './helpers.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Every call rejects with FmnistError INVALID_ARGUMENT. */
async function expectInvalidArgument(calls: (() => Promise<unknown>)[]): Promise<void> {
  for (const call of calls) {
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isFmnistError(error, 'INVALID_ARGUMENT')).toBe(true);
  }
}

const scores = Float32Array.from({ length: 30 }, (_, i) => Math.cos(i * 1.7));

describe('decodeClasses / decodeClassNames', () => {
  it('equals core argmax for tensors and arrays', async () => {
    const want = argmax(scores, 3, 10);
    const t = tf.tensor2d(scores, [3, 10]);
    expect(await decodeClasses(t)).toEqual(want);
    expect(await decodeClasses(scores, 3, 10)).toEqual(want);
    expect(await decodeClassNames(t, fashionMnist.classNames)).toEqual(
      Array.from(want, (c) => fashionMnist.classNames[c]),
    );
    expect(await decodeClassNames(scores, fashionMnist.classNames, 3)).toHaveLength(3);
    t.dispose();
  });

  it('rejects shapes it cannot decode', async () => {
    const t = tf.zeros([2, 3, 4]);
    await expectInvalidArgument([
      () => decodeClasses(t),
      () => decodeClasses(scores),
      () => decodeClasses(scores, 4, 10),
    ]);
    t.dispose();
  });
});

describe('decodeOutput', () => {
  it('reads the scores once and returns them with the classes and names', async () => {
    const want = argmax(scores, 3, 10);
    const t = tf.tensor2d(scores, [3, 10]);
    const decoded = await decodeOutput(t, { classNames: fashionMnist.classNames });
    expect(decoded).toMatchObject({ count: 3, numClasses: 10, classes: want });
    expect(decoded.names).toEqual(Array.from(want, (c) => fashionMnist.classNames[c]));
    expect(decoded.scores).toEqual(scores);
    const plain = await decodeOutput(scores, { count: 3, numClasses: 10 });
    expect(plain.classes).toEqual(want);
    expect(plain.names).toBeUndefined();
    expect(plain.scores).toEqual(scores);
    expect(plain.scores).not.toBe(scores);
    await expectInvalidArgument([() => decodeOutput(scores), () => decodeOutput(t, { count: 4 })]);
    t.dispose();
  });
});

describe('predictClasses', () => {
  it('gives the same classes from a split and from its tensor, in batches, leaking nothing', async () => {
    const model = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), seeded.dense(5, { units: 10 })],
    });
    const split = syntheticSplit(23);
    const { xs, ys } = toTensors(split);
    const before = tf.memory().numTensors;
    const fromSplit = await predictClasses(model, split, { batchSize: 7 });
    const fromTensor = await predictClasses(model, xs, { batchSize: 10 });
    const whole = model.predict(xs) as tf.Tensor;
    const want = argmax(await whole.data(), 23, 10);
    whole.dispose();
    expect(fromSplit).toEqual(want);
    expect(fromTensor).toEqual(want);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('on wasm (one batch array refilled), the classes of every batch and of the whole', async () => {
    // A reused array that a tensor still held would give later batches' classes to earlier ones.
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    try {
      const model = tf.sequential({
        layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), seeded.dense(5, { units: 10 })],
      });
      const split = syntheticSplit(23);
      const { xs, ys } = toTensors(split);
      const whole = model.predict(xs) as tf.Tensor;
      const want = argmax(await whole.data(), 23, 10);
      tf.dispose([whole, xs, ys]);
      expect(await predictClasses(model, split, { batchSize: 7 })).toEqual(want);
      expect(await predictClasses(model, split, { batchSize: 30 })).toEqual(want);
      model.dispose();
    } finally {
      await tf.setBackend('cpu');
    }
  });

  it('rejects a malformed split and a bad batch size', async () => {
    const model = { predict: (x: tf.Tensor) => x };
    await expectInvalidArgument([
      () => predictClasses(model, raggedSplit()),
      () => predictClasses(model, syntheticSplit(), { batchSize: 0 }),
    ]);
  });

  it("feeds a split in the layout the model's input shape declares", async () => {
    const split = syntheticSplit(9);
    const flat = tf.sequential({
      layers: [seeded.dense(7, { inputShape: [784], units: 10 })],
    });
    const { xs, ys } = toTensors(split, { layout: 'flat' });
    const whole = flat.predict(xs) as tf.Tensor;
    const want = argmax(await whole.data(), 9, 10);
    tf.dispose([whole, ys]);
    const nhwc = toTensors(split);
    const before = tf.memory().numTensors;
    expect(await predictClasses(flat, split, { batchSize: 4 })).toEqual(want);
    expect(await predictClasses(flat, nhwc.xs, { batchSize: 4 })).toEqual(want);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([nhwc.xs, nhwc.ys]);
    // A GraphModel-style declaration (-1 for the batch) of an NCHW input.
    const seen: number[][] = [];
    const nchw = {
      inputs: [{ shape: [-1, 1, 28, 28] }],
      predict: (x: tf.Tensor) => {
        seen.push(x.shape);
        return flat.predict(x.reshape([x.shape[0], 784])) as tf.Tensor;
      },
    };
    expect(await predictClasses(nchw, split, { batchSize: 5 })).toEqual(want);
    expect(await predictClasses(nchw, xs, { batchSize: 5 })).toEqual(want);
    expect(seen).toEqual([
      [5, 1, 28, 28],
      [4, 1, 28, 28],
      [5, 1, 28, 28],
      [4, 1, 28, 28],
    ]);
    xs.dispose();
    flat.dispose();
  });

  it('names the shape of a model whose input fits no image layout', async () => {
    const rgb = { inputs: [{ shape: [null, 32, 32, 3] }], predict: (x: tf.Tensor) => x };
    const flat = { inputs: [{ shape: [null, 784] }], predict: (x: tf.Tensor) => x };
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => predictClasses(rgb, syntheticSplit(2)), /\[null, 32, 32, 3\]/],
      [() => predictClasses(flat, syntheticSplit(2), { layout: 'nchw' }), /\[null, 784\].*'nchw'/],
    ];
    const images = tf.zeros([2, 28, 28, 1]);
    cases.push([() => predictClasses(rgb, images), /\[28, 28, 1\].*\[null, 32, 32, 3\]/]);
    for (const [call, message] of cases) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isFmnistError(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
    images.dispose();
  });
});
