// fusedAdam: tf.train.adam's update as one wasm SIMD pass per variable, the same bits on wasm and cpu.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { fusedAdam } from '../src/wasm-kernels/index.ts';
import { setSimdModulesEnabled } from '../src/wasm-kernels/simdModule.ts';
import { useWasmBackend } from './wasmCompare.ts';

useWasmBackend();

/**
 * A small CNN (conv with bias, an odd-sized dense layer: SIMD lanes and a tail) trained `steps`
 * steps on `backend` with `optimizer()` on seeded data, the learning rate halved half way as the
 * baselines' schedule does; returns every weight, then the loss after training.
 */
async function trained(
  backend: 'cpu' | 'wasm',
  optimizer: () => tf.Optimizer,
  steps = 4,
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [7, 7, 1],
        filters: 3,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.flatten(),
      tf.layers.dense({
        units: 5,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  const opt = optimizer();
  model.compile({ optimizer: opt, loss: 'categoricalCrossentropy' });
  const xs = tf.randomUniform([6, 7, 7, 1], 0, 1, 'float32', 3);
  const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 0], 'int32'), 5);
  for (let s = 0; s < steps; s++) {
    if (s === steps >> 1) (opt as unknown as { learningRate: number }).learningRate *= 0.5;
    await model.trainOnBatch(xs, ys);
  }
  const loss = tf.tidy(() => tf.losses.softmaxCrossEntropy(ys, model.predict(xs) as tf.Tensor));
  const values = await Promise.all(
    [...model.getWeights(), loss].map((t) => t.data() as Promise<Float32Array>),
  );
  tf.dispose([xs, ys, loss]);
  model.dispose();
  opt.dispose();
  return values;
}

describe('fusedAdam', () => {
  it('is an AdamOptimizer named Adam, with the same config', () => {
    const fused = fusedAdam(0.002, 0.8, 0.99, 1e-6);
    expect(fused).toBeInstanceOf(tf.AdamOptimizer);
    expect(fused.getClassName()).toBe('Adam');
    expect(fused.getConfig()).toEqual(tf.train.adam(0.002, 0.8, 0.99, 1e-6).getConfig());
    fused.dispose();
  });

  it('trains on wasm to the same bits as tf.train.adam (weights and loss)', async () => {
    const stock = await trained('wasm', () => tf.train.adam(0.01));
    const fused = await trained('wasm', () => fusedAdam(0.01));
    expect(fused).toEqual(stock);
    // And the training moved the weights: the comparison is not of two untouched models.
    const untouched = await trained('wasm', () => tf.train.adam(0.01), 0);
    expect(fused[0]).not.toEqual(untouched[0]);
  });

  it('is tf.train.adam itself on cpu, and on wasm without SIMD', async () => {
    expect(await trained('cpu', () => fusedAdam(0.01))).toEqual(
      await trained('cpu', () => tf.train.adam(0.01)),
    );
    setSimdModulesEnabled(false);
    try {
      expect(await trained('wasm', () => fusedAdam(0.01))).toEqual(
        await trained('wasm', () => tf.train.adam(0.01)),
      );
    } finally {
      setSimdModulesEnabled(true);
    }
  });

  it('leaves no more tensors behind than tf.train.adam', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    await trained('wasm', () => tf.train.adam(0.01), 6);
    const stock = tf.memory().numTensors - before;
    await trained('wasm', () => fusedAdam(0.01), 6);
    expect(tf.memory().numTensors - before).toBe(2 * stock);
  });
});
