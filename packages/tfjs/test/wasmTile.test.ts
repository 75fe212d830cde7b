// The wasm Tile wrapper: block copies with the cpu backend's exact values, and the batch-norm gradient that needs it.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { itIsWrappedOnce, maxDifference, on, random, size, useWasmBackend } from './wasmCompare.ts';

useWasmBackend();

describe('Tile on wasm (block copies)', () => {
  itIsWrappedOnce('Tile', 'fastTile');

  for (const [title, shape, reps, dtype] of [
    ["batch norm's: [1,1,1,5] to [4,3,2,5]", [1, 1, 1, 5], [4, 3, 2, 1], 'float32'],
    ['every axis repeated: [3,2] by [2,3]', [3, 2], [2, 3], 'float32'],
    ['middle axis of size 1: [2,1,3] by [1,4,2]', [2, 1, 3], [1, 4, 2], 'float32'],
    ['nothing repeated: [2,3,4] by [1,1,1]', [2, 3, 4], [1, 1, 1], 'float32'],
    ['rank 1: [5] by [3]', [5], [3], 'float32'],
    ['int32: [2,3] by [3,1]', [2, 3], [3, 1], 'int32'],
    ['bool: [3] by [4]', [3], [4], 'bool'],
    ['odd repeat counts: [1,7] by [5,3]', [1, 7], [5, 3], 'float32'],
  ] as [string, number[], number[], 'float32' | 'int32' | 'bool'][]) {
    it(`${title}: the cpu backend's values`, async () => {
      const fn = () =>
        tf.tidy(() => {
          const values = random(size(shape), 7);
          const x =
            dtype === 'float32'
              ? tf.tensor(values, shape)
              : dtype === 'int32'
                ? tf.tensor(
                    Int32Array.from(values, (v) => Math.round(v * 100)),
                    shape,
                    'int32',
                  )
                : tf.tensor(
                    Uint8Array.from(values, (v) => (v > 0 ? 1 : 0)),
                    shape,
                    'bool',
                  );
          const y = tf.tile(x, reps);
          return [y.dtype === 'float32' ? y : y.toFloat()];
        });
      // As plain numbers: the cpu backend's cast of int32 to float32 keeps an Int32Array.
      const values = async (backend: 'cpu' | 'wasm') =>
        (await on(backend, fn)).map((a) => Array.from(a));
      expect(await values('wasm')).toEqual(await values('cpu'));
    });
  }

  it('gives batch normalization the cpu backend’s gradients (within 1e-5)', async () => {
    // The layer's training-mode gradient is where tfjs-core tiles [C] to [N, H, W, C].
    const fn = () =>
      tf.tidy(() => {
        const x = tf.tensor(random(2 * 5 * 4 * 3, 11), [2, 5, 4, 3]);
        const gamma = tf.tensor(random(3, 12));
        const beta = tf.tensor(random(3, 13));
        const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
          const { mean, variance } = tf.moments(a, [0, 1, 2]);
          return tf.batchNorm(a, mean, variance, b, g, 1e-3).square().sum();
        };
        return tf.grads(loss)([x, gamma, beta]);
      });
    expect(maxDifference(await on('wasm', fn), await on('cpu', fn))).toBeLessThan(1e-5);
  });
});
