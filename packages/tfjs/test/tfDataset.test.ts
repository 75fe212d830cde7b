// toTfDataset: core's batches as tf.data batches, reshuffling, fitDataset, errors.
import { batches, isFmnistError } from '@fmnist/core';
import { thrownBy } from '@fmnist/test-utils';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toTfDataset } from '../src/index.ts';
import { raggedSplit, syntheticSplit } from './helpers.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** One pass over a dataset, read back as labels per batch; disposes every batch. */
async function labelsPerBatch(dataset: tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>) {
  const out: number[][] = [];
  await dataset.forEachAsync(({ xs, ys }) => {
    const ids = ys.rank === 2 ? tf.argMax(ys, 1) : ys;
    out.push(Array.from(ids.dataSync()));
    if (ids !== ys) ids.dispose();
    tf.dispose([xs, ys]);
  });
  return out;
}

const coreOrder = (count: number, batchSize: number, seed: number) =>
  [...batches(syntheticSplit(count), { batchSize, shuffle: true, seed })].map((b) =>
    Array.from(b.labels),
  );

describe('toTfDataset', () => {
  it('yields core’s batches, as { xs: [b,28,28,1], ys: [b,10] } tensors', async () => {
    const split = syntheticSplit(23);
    const before = tf.memory().numTensors;
    const dataset = toTfDataset(split, { batchSize: 5, shuffle: true, seed: 9 });
    expect(dataset.size).toBe(5);
    const iterator = await dataset.iterator();
    const first = await iterator.next();
    const want = batches(split, { batchSize: 5, shuffle: true, seed: 9 }).next().value!;
    expect(first.value.xs.shape).toEqual([5, 28, 28, 1]);
    expect(first.value.ys.shape).toEqual([5, 10]);
    expect(await first.value.xs.data()).toEqual(want.images);
    tf.dispose(first.value);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reshuffles each pass with seed + pass, or repeats when asked', async () => {
    const split = syntheticSplit(23);
    const dataset = toTfDataset(split, { batchSize: 6, shuffle: true, seed: 4 });
    expect(await labelsPerBatch(dataset)).toEqual(coreOrder(23, 6, 4));
    expect(await labelsPerBatch(dataset)).toEqual(coreOrder(23, 6, 5));
    const fixed = toTfDataset(split, {
      batchSize: 6,
      shuffle: true,
      seed: 4,
      reshuffleEachIteration: false,
    });
    expect(await labelsPerBatch(fixed)).toEqual(coreOrder(23, 6, 4));
    expect(await labelsPerBatch(fixed)).toEqual(coreOrder(23, 6, 4));
  });

  it('augments each pass like core’s batches({ augment }) with seed + pass', async () => {
    const split = syntheticSplit(12);
    const augment = { maxShift: 2, flip: true };
    const dataset = toTfDataset(split, { batchSize: 12, shuffle: true, seed: 3, augment });
    const firstImages = async () => {
      const iterator = await dataset.iterator();
      const { value } = await iterator.next();
      const images = await value.xs.data();
      tf.dispose(value);
      return images;
    };
    const core = (seed: number) =>
      batches(split, { batchSize: 12, shuffle: true, seed, augment }).next().value!.images;
    const plain = batches(split, { batchSize: 12, shuffle: true, seed: 3 }).next().value!.images;
    const pass0 = await firstImages();
    const pass1 = await firstImages();
    expect(pass0).toEqual(core(3));
    expect(pass0).not.toEqual(plain);
    expect(pass1).toEqual(core(4));
    const error = thrownBy(() => toTfDataset(split, { batchSize: 4, augment: { maxShift: 20 } }));
    expect(isFmnistError(error) && error.message).toMatch(
      /augment\.maxShift option must be an integer from 0 to 8/,
    );
  });

  it('supports int32 labels, flat layout and dropLast', async () => {
    const dataset = toTfDataset(syntheticSplit(23), {
      batchSize: 10,
      dropLast: true,
      labels: 'int32',
      layout: 'flat',
    });
    expect(dataset.size).toBe(2);
    const shapes: number[][] = [];
    await dataset.forEachAsync(({ xs, ys }) => {
      shapes.push([...xs.shape, ...ys.shape]);
      expect(ys.dtype).toBe('int32');
      tf.dispose([xs, ys]);
    });
    expect(shapes).toEqual([
      [10, 784, 10],
      [10, 784, 10],
    ]);
  });

  it('feeds model.fitDataset without leaking tensors', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [28, 28, 1] }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const dataset = () => toTfDataset(syntheticSplit(40), { batchSize: 8, shuffle: true });
    // A first fit creates Adam's slot variables: optimizer state, not leaks.
    await model.fitDataset(dataset(), { epochs: 1, verbose: 0 });
    const before = tf.memory().numTensors;
    const history = await model.fitDataset(dataset(), { epochs: 2, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects a malformed split or bad options when called', () => {
    for (const [split, options] of [
      [raggedSplit(), { batchSize: 4 }],
      [syntheticSplit(), { batchSize: 0 }],
      [syntheticSplit(), { batchSize: 4, layout: 'hwc' }],
    ] as const) {
      const error = thrownBy(() => toTfDataset(split, options as never));
      expect(isFmnistError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});

// On wasm, which copies values into its heap as a tensor is created, one batch's arrays are
// refilled for the next: every tensor must still hold its own batch.
describe('toTfDataset on wasm', () => {
  const split = syntheticSplit(23);
  const want = [...batches(split, { batchSize: 5, shuffle: true, seed: 3, oneHot: true })];
  // Each test starts on wasm (one switches to cpu mid-pass); the other tests run on cpu.
  beforeEach(async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  /** Every batch of one pass, none disposed until all are read; `switchAt` moves to cpu first. */
  async function heldPass(switchAt?: number) {
    const iterator = await toTfDataset(split, { batchSize: 5, shuffle: true, seed: 3 }).iterator();
    const held: { xs: tf.Tensor; ys: tf.Tensor }[] = [];
    for (;;) {
      if (held.length === switchAt) await tf.setBackend('cpu');
      const next = await iterator.next();
      if (next.done) break;
      held.push(next.value);
    }
    const read = await Promise.all(
      held.map(async ({ xs, ys }) => ({ xs: await xs.data(), ys: await ys.data() })),
    );
    tf.dispose(held);
    return read;
  }

  /** The pass read back holds exactly core's batches, images and one-hot labels. */
  function expectWanted(read: { xs: tf.TypedArray; ys: tf.TypedArray }[]) {
    expect(read).toHaveLength(want.length);
    read.forEach(({ xs, ys }, b) => {
      expect(xs).toEqual(want[b].images);
      expect(ys).toEqual(want[b].oneHot);
    });
  }

  it('keeps each batch’s values in its tensors while the next batches refill the arrays', async () => {
    const read = await heldPass();
    expectWanted(read);
  });

  it('takes a batch larger than the split (one fresh batch, no reused arrays)', async () => {
    const small = syntheticSplit(7);
    const iterator = await toTfDataset(small, { batchSize: 10 }).iterator();
    const { value } = await iterator.next();
    expect(value.xs.shape).toEqual([7, 28, 28, 1]);
    expect(await value.xs.data()).toEqual(batches(small, { batchSize: 10 }).next().value!.images);
    tf.dispose(value);
    expect((await iterator.next()).done).toBe(true);
  });

  it('hands a backend switched to mid-pass (cpu keeps the array) arrays of its own', async () => {
    // Batches 0-1 on wasm, then cpu, which keeps the very array each tensor was made from.
    const read = await heldPass(2);
    expectWanted(read);
  });
});
