// fusedBatchNorm: a BatchNormalization layer's training step as two wasm SIMD kernels, against the stock layer on cpu.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { fusedBatchNorm } from '../src/wasm-kernels/index.ts';
import { setSimdModulesEnabled } from '../src/wasm-kernels/simdModule.ts';
import { maxDifference, on, random, size, useWasmBackend } from './wasmCompare.ts';

useWasmBackend();

/** A batch-norm layer built for `shape`, with seeded non-trivial gamma, beta and moving stats. */
function layerFor(shape: number[], fused: boolean): tf.layers.Layer {
  const channels = shape[shape.length - 1];
  const stock = tf.layers.batchNormalization({ momentum: 0.9 });
  const layer = fused ? fusedBatchNorm(stock) : stock;
  layer.build([null, ...shape.slice(1)]);
  const weights = [
    random(channels, 11).map((v) => 1 + v / 2),
    random(channels, 12),
    random(channels, 13).map((v) => v / 4),
    random(channels, 14).map((v) => 1 + v / 2),
  ].map((values) => tf.tensor1d(values));
  layer.setWeights(weights);
  tf.dispose(weights);
  return layer;
}

/**
 * One training call of the layer on seeded `shape` inputs (offset and scaled so the batch
 * statistics are far from 0 and 1): the output, the gradients of a weighted sum of it with respect
 * to the input, gamma and beta, and the moving mean and variance afterwards.
 */
function trainingCall(shape: number[], fused: boolean) {
  return () => {
    const layer = layerFor(shape, fused);
    const outputs = tf.tidy(() => {
      const x = tf.tensor(
        random(size(shape), 1).map((v, i) => 3 * v + (i % 5)),
        shape,
      );
      const weights = tf.tensor(random(size(shape), 2), shape);
      const [gamma, beta] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      let y: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const out = layer.apply(x, { training: true }) as tf.Tensor;
        y = tf.keep(out.clone());
        return tf.sum(tf.mul(out, weights)) as tf.Scalar;
      }, [gamma, beta]);
      const dx = tf.grad((input: tf.Tensor) =>
        tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, weights)),
      )(x);
      return [y as tf.Tensor, dx, grads[gamma.name], grads[beta.name], value];
    });
    // Read after the two training calls: each moved the averages once.
    const moving = layer
      .getWeights()
      .slice(2)
      .map((t) => t.clone());
    disposeLayer(layer);
    return [...outputs, ...moving];
  };
}

/** Frees a layer built by hand (`Layer.dispose` refuses one that no model has applied). */
function disposeLayer(layer: tf.layers.Layer): void {
  for (const w of layer.weights) (w as unknown as { dispose(): void }).dispose();
}

/** The kernels a training call runs on the active backend, by name. */
async function kernelsOf(layer: tf.layers.Layer, shape: number[]): Promise<string[]> {
  const x = tf.tensor(random(size(shape), 4), shape);
  const profile = await tf.profile(() =>
    tf.tidy(() =>
      tf.grad((input: tf.Tensor) => tf.sum(layer.apply(input, { training: true }) as tf.Tensor))(x),
    ),
  );
  x.dispose();
  return profile.kernels.map((k) => k.name);
}

describe('fusedBatchNorm: a training call on wasm equals the stock layer on cpu', () => {
  it.each([
    ['the baseline shape scaled down', [8, 6, 6, 16]],
    ['batch 1, 4 channels', [1, 5, 7, 4]],
    ['non-square, 12 channels', [3, 4, 9, 12]],
    ['a dense activation (rank 2)', [33, 8]],
  ])('%s %j: output, dx, dgamma, dbeta, moving averages', async (_title, shape) => {
    const before = tf.memory().numTensors;
    const cpu = await on('cpu', trainingCall(shape, false));
    const wasm = await on('wasm', trainingCall(shape, true));
    expect(maxDifference(cpu, wasm)).toBeLessThan(1e-5);
    // The comparison means something only if the input's gradient is not trivially zero.
    expect(Math.max(...cpu[1].map(Math.abs))).toBeGreaterThan(0.01);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs its own two kernels there, and the stock kernels on cpu', async () => {
    await tf.setBackend('wasm');
    const fused = layerFor([2, 3, 3, 8], true);
    const names = await kernelsOf(fused, [2, 3, 3, 8]);
    expect(names).toContain('FmnistBatchNormTraining');
    expect(names).toContain('FmnistBatchNormTrainingGrad');
    expect(names).not.toContain('FusedBatchNorm');
    await tf.setBackend('cpu');
    const onCpu = await kernelsOf(fused, [2, 3, 3, 8]);
    expect(onCpu).toContain('FusedBatchNorm');
    expect(onCpu).not.toContain('FmnistBatchNormTraining');
    disposeLayer(fused);
  });

  it.each([
    ['3 channels (not a multiple of 4)', [4, 3, 3, 3]],
    ['6 channels of a rank-3 input', [4, 5, 6]],
  ])('leaves %s to the stock layer, with its answer', async (_title, shape) => {
    await tf.setBackend('wasm');
    const layer = layerFor(shape, true);
    const names = await kernelsOf(layer, shape);
    disposeLayer(layer);
    expect(names).not.toContain('FmnistBatchNormTraining');
    expect(names).toContain('FusedBatchNorm');
    const cpu = await on('cpu', trainingCall(shape, false));
    expect(maxDifference(cpu, await on('wasm', trainingCall(shape, true)))).toBeLessThan(1e-5);
  });

  it('leaves an engine without wasm SIMD to the stock layer', async () => {
    setSimdModulesEnabled(false);
    try {
      await tf.setBackend('wasm');
      const layer = layerFor([2, 3, 3, 8], true);
      expect(await kernelsOf(layer, [2, 3, 3, 8])).toContain('FusedBatchNorm');
      disposeLayer(layer);
    } finally {
      setSimdModulesEnabled(true);
    }
  });

  it('infers with the moving statistics, as the stock layer', async () => {
    const infer = (fused: boolean) => () => {
      const layer = layerFor([2, 3, 3, 8], fused);
      const y = tf.tidy(
        () => layer.apply(tf.tensor(random(2 * 3 * 3 * 8, 5), [2, 3, 3, 8])) as tf.Tensor,
      );
      disposeLayer(layer);
      return [y];
    };
    expect(
      maxDifference(await on('cpu', infer(false)), await on('wasm', infer(true))),
    ).toBeLessThan(1e-6);
  });

  it('saves as a plain BatchNormalization, which plain tfjs loads', async () => {
    await tf.setBackend('wasm');
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [5], units: 8 }),
        fusedBatchNorm(tf.layers.batchNormalization()),
        tf.layers.dense({ units: 2 }),
      ],
    });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const xs = tf.tensor(random(40, 6), [8, 5]);
    const ys = tf.tensor(random(16, 7), [8, 2]);
    await model.fit(xs, ys, { epochs: 2, batchSize: 4, verbose: 0 });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const topology = JSON.stringify(saved?.modelTopology);
    expect(topology).toContain('"class_name":"BatchNormalization"');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    const [a, b] = [model, loaded].map((m) => m.predict(xs) as tf.Tensor);
    expect(
      maxDifference([await a.data()] as Float32Array[], [await b.data()] as Float32Array[]),
    ).toBe(0);
    tf.dispose([a, b, xs, ys]);
    model.dispose();
    loaded.dispose();
  });
});
