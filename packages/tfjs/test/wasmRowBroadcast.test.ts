// The wasm Add, Multiply and Sub wrappers: a row broadcast down a tensor as SIMD loops, bit-equal to the backend's own kernels.
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
  size,
  useWasmBackend,
} from './wasmCompare.ts';

useWasmBackend();

type Op = 'add' | 'mul' | 'sub';

/** `tf.add`/`tf.mul`/`tf.sub` of two seeded tensors of the given shapes, as a computation for {@link on}. */
const opOf =
  (op: Op, aShape: number[], bShape: number[], dtype: 'float32' | 'int32' = 'float32') =>
  () =>
    tf.tidy(() => {
      const y = { add: tf.add, mul: tf.mul, sub: tf.sub }[op](
        seededTensor(aShape, 1, dtype),
        seededTensor(bShape, 2, dtype),
      );
      return [y.dtype === 'int32' ? y.toFloat() : y];
    });

describe('Add, Multiply and Sub on wasm (a row broadcast as SIMD loops)', () => {
  itIsWrappedOnce('Add', 'fastRowBroadcast');
  itIsWrappedOnce('Multiply', 'fastRowBroadcast');
  itIsWrappedOnce('Sub', 'fastRowBroadcast');

  for (const op of ['add', 'mul', 'sub'] as const) {
    for (const [title, aShape, bShape, rowFirst] of [
      ['a conv bias: [8,7,7,16] and [16]', [8, 7, 7, 16], [16]],
      ['the row first: [32] and [3,5,32]', [32], [3, 5, 32], true],
      ["batch norm's keepDims row: [2,3,4,6] and [1,1,1,6]", [2, 3, 4, 6], [1, 1, 1, 6]],
      ['a 2-axis row: [3,4,5] and [4,5]', [3, 4, 5], [4, 5]],
      ['6 columns (SIMD + tail): [9,6] and [6]', [9, 6], [6]],
      ['one row: [1,8] and [8]', [1, 8], [8]],
      ['the same size, ranks differ: [8] and [1,8]', [8], [1, 8], true],
      ['the larger side second, same rank: [1,12] and [5,12]', [1, 12], [5, 12], true],
    ] as [string, number[], number[], boolean?][]) {
      // Sub does not commute: with the row first it is the original's (tested below).
      if (op === 'sub' && rowFirst) continue;
      it(`${op} ${title}: the original's bits, and cpu within 1e-6`, async () => {
        const fn = opOf(op, aShape, bShape);
        const fast = await on('wasm', fn);
        expect(fast[0].length).toBe(
          size(tf.backend_util.assertAndGetBroadcastShape(aShape, bShape)),
        );
        expect(fast).toEqual(await onOriginalWasm(fn));
        await expectSameOnWasm(fn, 1e-6);
      });
    }

    for (const [title, aShape, bShape, dtype] of [
      ['equal shapes', [4, 6], [4, 6]],
      ['a scalar', [4, 6], []],
      ['3 columns (too short a row)', [5, 3], [3]],
      ['a column, not a row: [4,6] and [4,1]', [4, 6], [4, 1]],
      ['both sides broadcast: [4,1] and [1,6]', [4, 1], [1, 6]],
      ['the row of higher rank: [6,8] and [1,1,1,8]', [6, 8], [1, 1, 1, 8]],
      ['int32', [4, 8], [8], 'int32'],
      ['an empty tensor', [0, 8], [8]],
    ] as [string, number[], number[], ('float32' | 'int32')?][]) {
      it(`${op} ${title} (a case left to the original kernel) equals cpu`, async () => {
        const fn = opOf(op, aShape, bShape, dtype);
        const fast = await on('wasm', fn);
        expect(fast[0].length).toBe(
          size(tf.backend_util.assertAndGetBroadcastShape(aShape, bShape)),
        );
        await expectSameOnWasm(fn, 1e-6);
      });
    }
  }

  it('sub with the row first (a case left to the original kernel) equals cpu', async () => {
    await expectSameOnWasm(opOf('sub', [16], [3, 4, 16]), 1e-6);
  });

  it('tf.grads of a conv layer with a bias, a shift and a scale: every gradient equals cpu', async () => {
    await expectSameOnWasm(
      () =>
        tf.tidy(() => {
          const x = tf.tensor4d(random(3 * 6 * 5 * 2, 1), [3, 6, 5, 2]);
          const f = tf.tensor4d(random(3 * 3 * 2 * 8, 2), [3, 3, 2, 8]);
          const b = tf.tensor1d(random(8, 3));
          const g = tf.tensor1d(random(8, 4));
          return tf.grads((bias: tf.Tensor, scale: tf.Tensor) =>
            tf.sum(tf.relu(tf.mul(tf.sub(tf.add(tf.conv2d(x, f, 1, 'same'), bias), scale), scale))),
          )([b, g]);
        }),
      1e-5,
    );
  });
});
