// The threaded SIMD wasm backend in Node: it starts, runs 2 threads, matches 1 thread, trains, exits.
import path from 'node:path';
import { isFmnistError, mulberry32 } from '@fmnist/core';
import { readmeSnippets, runSnippet } from '@fmnist/test-utils';
import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels, setWasmThreads } from '../src/wasm-kernels/index.ts';
import { seeded } from './helpers.ts';

const packageDir = path.resolve(import.meta.dirname, '..');

const random = (shape: number[], seed: number) => {
  const next = mulberry32(seed);
  const count = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: count }, () => next() * 2 - 1),
    shape,
  );
};

/** A matMul and a conv2d big enough for XNNPACK to split them across its pool. */
async function compute(): Promise<Float32Array[]> {
  const outputs = tf.tidy(() => [
    tf.matMul(random([96, 200], 1), random([200, 72], 2)),
    tf.conv2d(
      random([2, 28, 28, 8], 3) as tf.Tensor4D,
      random([3, 3, 8, 16], 4) as tf.Tensor4D,
      1,
      'same',
    ),
  ]);
  const values = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(outputs);
  return values;
}

/** One Adam step of a small seeded CNN (conv, pool, dense) on a fixed batch: the loss. */
async function trainStep(): Promise<number> {
  // Both trainable layers seeded: the same start weights on 1 and 2 threads.
  const conv = seeded.conv2d(7, { inputShape: [12, 12, 1], filters: 4, kernelSize: 3 });
  const pool = tf.layers.maxPooling2d({ poolSize: 2 });
  const dense = seeded.dense(8, { units: 10, activation: 'softmax' });
  const model = tf.sequential({ layers: [conv, pool, tf.layers.flatten(), dense] });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const xs = random([16, 12, 12, 1], 5);
  const ys = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: 16 }, (_, i) => i % 10),
      'int32',
    ),
    10,
  );
  await model.trainOnBatch(xs, ys);
  const loss = (await model.trainOnBatch(xs, ys)) as number;
  tf.dispose([xs, ys]);
  model.optimizer.dispose();
  model.dispose();
  return loss;
}

/** Largest difference of `b` from `a`, relative where `a` exceeds 1 in magnitude; NaN if any is. */
const maxRelativeDifference = (a: Float32Array[], b: Float32Array[]) =>
  Math.max(
    ...a.flatMap((values, k) =>
      Array.from(values, (x, i) => Math.abs(x - b[k][i]) / Math.max(1, Math.abs(x))),
    ),
  );

describe('setWasmThreads in Node', () => {
  // The stock factory, put back afterwards for anything that runs after this file.
  const stock = tf.findBackendFactory('wasm');
  beforeAll(() => registerWasmTrainingKernels());
  afterAll(async () => {
    // Disposing the backend terminates its pthread workers.
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', stock, 2);
    await tf.setBackend('cpu');
  });

  it('runs 2 threads, with the results of 1 thread and the training step of cpu', async () => {
    await tf.setBackend('cpu');
    const lossCpu = await trainStep();
    expect(await setWasmThreads(1)).toBe(1);
    expect(tf.getBackend()).toBe('wasm');
    const one = await compute();
    const lossOne = await trainStep();

    expect(await setWasmThreads(2)).toBe(2);
    expect(wasm.getThreadsCount()).toBe(2);
    expect(tf.getBackend()).toBe('wasm');
    const two = await compute();
    const lossTwo = await trainStep();

    expect(two.map((values) => values.length)).toEqual(one.map((values) => values.length));
    expect(maxRelativeDifference(one, two)).toBeLessThan(1e-5);
    expect(Number.isFinite(lossTwo)).toBe(true);
    expect(Math.abs(lossTwo - lossOne)).toBeLessThan(1e-4);
    // The threaded build's heap is shared memory: the training kernels must still be right on it.
    expect(Math.abs(lossOne - lossCpu)).toBeLessThan(1e-4);
  });

  it('rejects thread counts the build cannot run', async () => {
    for (const threads of [0, 9, 1.5, Number.NaN]) {
      const error = await setWasmThreads(threads).catch((e: unknown) => e);
      expect(isFmnistError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });

  it("runs the README's threads example, which ends on its own with the pool started", async () => {
    const example = readmeSnippets(path.join(packageDir, 'README.md')).find((code) =>
      code.includes('setWasmThreads(2)'),
    );
    expect(example).toBeDefined();
    // The example calls no process.exit(): the child ends only if no worker holds it open.
    const out = await runSnippet(packageDir, example!);
    expect(out).toContain(`wasm with 2 threads: sum ${64 * 64 * 64}`);
  });
});
