// The wasm Identity and Cast wrappers: tf.clone (and a cast to the same dtype) share the input's heap data, counted, instead of copying it.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../src/wasm-kernels/index.ts';
import { itIsWrappedOnce, useWasmBackend } from './wasmCompare.ts';

useWasmBackend();
// On by default; registered again with it on (a no-op) so the tests say what they rely on.
beforeAll(() => {
  registerWasmTrainingKernels({ sharedIdentity: true });
});

/** Data buffers the wasm backend holds right now. */
const buffers = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();

describe('Identity and same-dtype Cast on wasm (shared data instead of a copy)', () => {
  itIsWrappedOnce('Identity', 'sharedIdentity');
  itIsWrappedOnce('Cast', 'sharedIdentity');

  it('clones without a new buffer, and frees it only when the last tensor goes', async () => {
    const before = buffers();
    const x = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = tf.clone(x);
    expect(buffers()).toBe(before + 1);
    expect(y.shape).toEqual([2, 3]);
    x.dispose();
    // The clone still reads the values after the original is gone.
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(buffers()).toBe(before + 1);
    y.dispose();
    expect(buffers()).toBe(before);
  });

  it('keeps int32 and bool dtypes, and a variable assigned a clone its own values', async () => {
    const ints = tf.tensor([7, -8], [2], 'int32');
    const bools = tf.tensor([1, 0, 1], [3], 'bool');
    const [i, b] = [tf.clone(ints), tf.clone(bools)];
    expect([i.dtype, b.dtype]).toEqual(['int32', 'bool']);
    expect(Array.from(await i.data())).toEqual([7, -8]);
    expect(Array.from(await b.data())).toEqual([1, 0, 1]);
    const v = tf.variable(tf.tensor([1, 2]));
    const snapshot = tf.clone(v);
    v.assign(tf.tensor([3, 4]));
    // assign() gives the variable new data; the clone keeps what it had.
    expect(Array.from(await snapshot.data())).toEqual([1, 2]);
    expect(Array.from(await v.data())).toEqual([3, 4]);
    tf.dispose([ints, bools, i, b, v, snapshot]);
  });

  it('casts to the same dtype without a new buffer; a real cast still converts', async () => {
    const before = buffers();
    const x = tf.tensor([1.5, -2.25, 3], [3]);
    const same = tf.cast(x, 'float32');
    expect(buffers()).toBe(before + 1);
    x.dispose();
    expect(Array.from(await same.data())).toEqual([1.5, -2.25, 3]);
    const ints = tf.cast(same, 'int32');
    expect(buffers()).toBe(before + 2);
    expect(ints.dtype).toBe('int32');
    expect(Array.from(await ints.data())).toEqual([1, -2, 3]);
    tf.dispose([same, ints]);
    expect(buffers()).toBe(before);
  });

  it('leaves no buffer behind after training steps (the engine clones what gradients save)', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const xs = tf.randomUniform([4, 6, 6, 1], 0, 1, 'float32', 1);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
    await model.trainOnBatch(xs, ys);
    const after1 = buffers();
    for (let s = 0; s < 3; s++) await model.trainOnBatch(xs, ys);
    expect(buffers()).toBe(after1);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
