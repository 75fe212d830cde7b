// The wasm Sum and Mean wrappers: leading-axis reductions as SIMD column sums, bit-equal to the backend's own kernels.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import {
  expectSameOnWasm,
  itIsWrappedOnce,
  on,
  onOriginalWasm,
  random,
  seededTensor,
  useWasmBackend,
} from './wasmCompare.ts';

useWasmBackend();

/** `tf.sum` of a seeded tensor of `shape` over `axis`, as a computation for {@link on}. */
const sumOf =
  (
    shape: number[],
    axis: number | number[] | undefined,
    keepDims = false,
    dtype: 'float32' | 'int32' = 'float32',
    reduce: 'sum' | 'mean' = 'sum',
  ) =>
  () =>
    tf.tidy(() => {
      const x = seededTensor(shape, 4, dtype);
      const y = (reduce === 'sum' ? tf.sum : tf.mean)(x, axis, keepDims);
      return [y.dtype === 'int32' ? y.toFloat() : y];
    });

describe('Sum on wasm (leading axes as SIMD column sums)', () => {
  itIsWrappedOnce('Sum', 'fastSum');

  for (const [title, shape, axis, keepDims] of [
    ['a conv bias gradient: [64,7,7,16] over batch, height, width', [64, 7, 7, 16], [0, 1, 2]],
    ['a dense bias gradient: [64,10] over axis 0', [64, 10], 0],
    ['6 columns (SIMD + tail), keepDims', [9, 6], [0], true],
    ['3 columns (tail only)', [5, 3], 0],
    ['one row', [1, 7], 0],
    ['negative axes: [-3, -2] of rank 3', [4, 5, 6], [-3, -2]],
    ['leading two of rank 3, keepDims', [4, 5, 6], [0, 1], true],
  ] as [string, number[], number | number[], boolean?][]) {
    it(`${title}: the original's bits, and cpu within 1e-5`, async () => {
      const fn = sumOf(shape, axis, keepDims);
      const fast = await on('wasm', fn);
      const original = await onOriginalWasm(fn);
      expect(fast).toEqual(original);
      await expectSameOnWasm(fn, 1e-5);
    });
  }

  for (const [title, shape, axis, dtype] of [
    ['the innermost axis (no transpose to save)', [6, 10], 1],
    ['every axis', [3, 4, 5], undefined],
    ['a middle axis', [3, 4, 5], 1],
    ['int32', [6, 5], 0, 'int32'],
    ['an empty tensor', [0, 4], 0],
    // The same sum, but the original adds in the order the axes are given (its transpose).
    ['leading axes given out of order', [4, 5, 6], [1, 0]],
  ] as [string, number[], number | number[] | undefined, ('float32' | 'int32')?][]) {
    it(`${title} (a case the column sum leaves to the original kernel) equals cpu`, async () => {
      await expectSameOnWasm(sumOf(shape, axis, false, dtype), 1e-5);
    });
  }

  it('tf.grads of a conv layer with a bias: db equals cpu', async () => {
    await expectSameOnWasm(
      () =>
        tf.tidy(() => {
          const x = tf.tensor4d(random(3 * 6 * 5 * 2, 1), [3, 6, 5, 2]);
          const f = tf.tensor4d(random(3 * 3 * 2 * 8, 2), [3, 3, 2, 8]);
          const b = tf.tensor1d(random(8, 3));
          const w = tf.tensor(random(3 * 6 * 5 * 8, 5), [3, 6, 5, 8]);
          return tf.grads((bias: tf.Tensor) =>
            tf.sum(tf.mul(tf.relu(tf.add(tf.conv2d(x, f, 1, 'same'), bias)), w)),
          )([b]);
        }),
      1e-5,
    );
  });
});

describe('Mean on wasm (leading axes as SIMD column sums, then divided)', () => {
  itIsWrappedOnce('Mean', 'fastMean');

  for (const [title, shape, axis, keepDims] of [
    [
      "batch norm's moments: [64,7,7,16] over batch, height, width, keepDims",
      [64, 7, 7, 16],
      [0, 1, 2],
      true,
    ],
    ['[9,6] over axis 0 (SIMD + tail)', [9, 6], 0],
    ['a count that is not a power of two: [7,3,5] over [0,1]', [7, 3, 5], [0, 1]],
    ['one row', [1, 7], 0],
  ] as [string, number[], number | number[], boolean?][]) {
    it(`${title}: the original's bits, and cpu within 1e-6`, async () => {
      const fn = sumOf(shape, axis, keepDims, 'float32', 'mean');
      const fast = await on('wasm', fn);
      expect(fast).toEqual(await onOriginalWasm(fn));
      await expectSameOnWasm(fn, 1e-6);
    });
  }

  for (const [title, shape, axis, dtype] of [
    ['the innermost axis', [6, 10], 1],
    ['every axis', [3, 4, 5], undefined],
    ['int32', [6, 5], 0, 'int32'],
  ] as [string, number[], number | number[] | undefined, ('float32' | 'int32')?][]) {
    it(`${title} (a case left to the original kernel) equals cpu`, async () => {
      await expectSameOnWasm(sumOf(shape, axis, false, dtype, 'mean'), 1e-5);
    });
  }

  it('tf.grads through tf.moments (batch norm in training): equals cpu', async () => {
    await expectSameOnWasm(
      () =>
        tf.tidy(() => {
          const x = tf.tensor4d(random(4 * 5 * 3 * 8, 6), [4, 5, 3, 8]);
          return tf.grads((a: tf.Tensor) => {
            const { mean, variance } = tf.moments(a, [0, 1, 2], true);
            return tf.sum(tf.mul(tf.sub(a, mean), tf.rsqrt(tf.add(variance, 1e-3))));
          })([x]);
        }),
      1e-4,
    );
  });
});
