// toTensors: pixels, labels, layouts and statistics like core, and its errors.
import { isFmnistError, oneHot, toFloat32 } from '@fmnist/core';
import { thrownBy } from '@fmnist/test-utils';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { toTensors } from '../src/index.ts';
import { raggedSplit, syntheticSplit } from './helpers.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('toTensors', () => {
  it('gives [N,28,28,1] float32 pixels in [0,1] and one-hot float32 labels by default', async () => {
    const split = syntheticSplit();
    const before = tf.memory().numTensors;
    const { xs, ys } = toTensors(split);
    expect(xs.shape).toEqual([split.count, 28, 28, 1]);
    expect(xs.dtype).toBe('float32');
    expect(ys.shape).toEqual([split.count, 10]);
    expect(ys.dtype).toBe('float32');
    expect(await xs.data()).toEqual(toFloat32(split.images));
    expect(await ys.data()).toEqual(oneHot(split.labels));
    tf.dispose([xs, ys]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('standardizes with the split’s own dataset statistics', async () => {
    for (const dataset of ['fashion-mnist', 'mnist'] as const) {
      const split = syntheticSplit(5, dataset);
      const { xs, ys } = toTensors(split, { normalize: 'standardize' });
      const want = toFloat32(split.images, { normalize: 'standardize', dataset });
      const got = await xs.data();
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      expect(worst).toBeLessThan(1e-6);
      tf.dispose([xs, ys]);
    }
  });

  it('honours layout and int32 labels', async () => {
    const split = syntheticSplit(4);
    const flat = toTensors(split, { layout: 'flat', labels: 'int32' });
    expect(flat.xs.shape).toEqual([4, 784]);
    expect(flat.ys.shape).toEqual([4]);
    expect(flat.ys.dtype).toBe('int32');
    expect(Array.from(await flat.ys.data())).toEqual(Array.from(split.labels));
    const nchw = toTensors(split, { layout: 'nchw', normalize: 'none' });
    expect(nchw.xs.shape).toEqual([4, 1, 28, 28]);
    expect(Array.from((await nchw.xs.data()).subarray(0, 5))).toEqual(
      Array.from(split.images.subarray(0, 5)),
    );
    tf.dispose([flat.xs, flat.ys, nchw.xs, nchw.ys]);
  });

  it('rejects a malformed split and bad options with INVALID_ARGUMENT, leaking nothing', () => {
    const before = tf.memory().numTensors;
    expect(() => toTensors(raggedSplit())).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    for (const options of [{ layout: 'nwhc' }, { labels: 'onehot' }, { normalize: 'unit' }]) {
      const error = thrownBy(() => toTensors(syntheticSplit(2), options as never));
      expect(isFmnistError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
