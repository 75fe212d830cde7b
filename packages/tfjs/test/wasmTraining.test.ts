// The baseline CNN's whole gradient and training step on wasm against cpu, and the SIMD modules' build.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWasm } from '../scripts/build-wasm.ts';
import type { WasmBackendLike } from '../src/wasm-kernels/backend.ts';
import { maxPoolGradWasm } from '../src/wasm-kernels/simd/maxPoolGrad.wasm.ts';
import { setSimdModulesEnabled, simdExports } from '../src/wasm-kernels/simdModule.ts';
import { seeded } from './helpers.ts';
import {
  expectSameOnWasm,
  gradients,
  maxDifference,
  modelGradients,
  on,
  random,
  useWasmBackend,
} from './wasmCompare.ts';

useWasmBackend();

describe('the wasm SIMD modules', () => {
  it('are committed as assembled from their .wat sources (pnpm build:wasm)', async () => {
    expect(await buildWasm(true)).toEqual([]);
  });

  it("instantiate on the wasm backend's own heap, so the fast paths run here", async () => {
    await tf.setBackend('wasm');
    const exports = simdExports(tf.backend() as unknown as WasmBackendLike, maxPoolGradWasm);
    expect(typeof exports?.maxPoolGrad).toBe('function');
  });
});

describe('without wasm SIMD (the fallbacks) the kernels still equal cpu', () => {
  beforeAll(() => setSimdModulesEnabled(false));
  afterAll(() => setSimdModulesEnabled(true));

  it('has no module to give', async () => {
    await tf.setBackend('wasm');
    expect(
      simdExports(tf.backend() as unknown as WasmBackendLike, maxPoolGradWasm),
    ).toBeUndefined();
  });

  // No max-pool here: without SIMD the original MaxPoolGrad runs, and tfjs-backend-wasm 4.22's
  // is wrong against cpu in most cases (4+ channels, odd 'same' sizes, ...): the point of the kernel.
  it('conv2d with a 3x3x1 filter (XNNPACK filter gradient instead of the SIMD one)', async () => {
    await expectSameOnWasm(
      gradients([2, 9, 8, 1], [3, 3, 1, 8], (x, f) => tf.relu(tf.conv2d(x, f, 1, 'same'))),
    );
  });

  it('depthwiseConv2d (the JS loops), multiplier 2, stride 2', async () => {
    await expectSameOnWasm(
      gradients([2, 9, 8, 3], [3, 3, 3, 2], (x, f) => tf.depthwiseConv2d(x, f, 2, 'same')),
    );
  });
});

/**
 * The baseline `cnn-small` topology (conv same -> pool 2 -> conv same -> pool 2 -> dense relu ->
 * dropout -> dense softmax), shrunk and made odd: non-square input, odd filter and unit counts.
 */
function baselineCnn(height: number, width: number): tf.Sequential {
  return tf.sequential({
    layers: [
      seeded.conv2d(1, {
        inputShape: [height, width, 1],
        filters: 5,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      seeded.conv2d(2, { filters: 7, kernelSize: 3, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      seeded.dense(3, { units: 9, activation: 'relu' }),
      tf.layers.dropout({ rate: 0.25 }),
      seeded.dense(4, { units: 10, activation: 'softmax' }),
    ],
  });
}

describe('the baseline CNN on wasm equals cpu', () => {
  for (const [batch, height, width] of [
    [1, 12, 10],
    [4, 14, 11],
  ]) {
    it(`every weight's loss gradient (batch ${batch}, ${height}x${width})`, async () => {
      await tf.setBackend('cpu');
      const model = baselineCnn(height, width);
      const before = tf.memory().numTensors;
      // Dropout is the identity outside training, so both backends see the same network.
      const labels = Array.from({ length: batch }, (_, i) => (i * 3) % 10);
      const step = modelGradients(model, [batch, height, width, 1], labels, 10);
      const cpu = await on('cpu', step);
      const wasm = await on('wasm', step);
      expect(cpu.length).toBe(model.trainableWeights.length);
      expect(maxDifference(cpu, wasm)).toBeLessThan(1e-5);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    });
  }

  it('one fit() step (Adam, batch 3) leaves the same weights', async () => {
    const trained: Float32Array[][] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      await tf.setBackend(backend);
      const model = baselineCnn(12, 10);
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
      const xs = tf.tensor4d(random(3 * 120, 11), [3, 12, 10, 1]);
      const ys = tf.oneHot(tf.tensor1d([2, 7, 4], 'int32'), 10);
      // rate 0.25 dropout would draw different masks per backend: the step runs it off.
      (model.layers[6] as unknown as { rate: number }).rate = 0;
      await model.fit(xs, ys, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 });
      trained.push(
        await Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>)),
      );
      tf.dispose([xs, ys]);
      model.dispose();
    }
    expect(maxDifference(trained[0], trained[1])).toBeLessThan(1e-5);
  });
});
