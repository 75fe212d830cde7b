// The page's model: a small dense network trained with TensorFlow.js on WebGL, and predictions for one image.
import type { DatasetSplit } from '@fmnist/core';
import { toTensors } from '@fmnist/tfjs';
import * as tf from '@tensorflow/tfjs';

/** What {@link trainModel} reports after each epoch. */
export interface EpochReport {
  epoch: number;
  loss: number;
  accuracy: number;
}

/** Picks WebGL (the GPU in any browser), falling back to the CPU backend; returns the one in use. */
export async function useWebgl(): Promise<string> {
  if (!(await tf.setBackend('webgl').catch(() => false))) await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
}

/** A 784-128-10 network trained on `train`, evaluated on `test`. */
export async function trainModel(
  train: DatasetSplit,
  test: DatasetSplit,
  options: { epochs: number; onEpoch: (report: EpochReport) => void },
): Promise<{ model: tf.LayersModel; testAccuracy: number }> {
  const [h, w] = train.imageShape;
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [h * w], units: 128, activation: 'relu' }),
      tf.layers.dense({ units: train.classNames.length, activation: 'softmax' }),
    ],
  });
  model.compile({
    optimizer: tf.train.adam(1e-3),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const { xs, ys } = toTensors(train, { layout: 'flat' });
  await model.fit(xs, ys, {
    epochs: options.epochs,
    batchSize: 64,
    shuffle: true,
    callbacks: {
      onEpochEnd: (epoch, logs) =>
        options.onEpoch({ epoch: epoch + 1, loss: logs?.loss ?? NaN, accuracy: logs?.acc ?? NaN }),
    },
  });
  tf.dispose([xs, ys]);
  const t = toTensors(test, { layout: 'flat' });
  const scores = model.predict(t.xs) as tf.Tensor;
  const hits = tf.tidy(() => scores.argMax(1).equal(t.ys.argMax(1)).sum().dataSync()[0]);
  tf.dispose([t.xs, t.ys, scores]);
  return { model, testAccuracy: hits / test.count };
}

/** Class probabilities of one image (uint8 pixels, 0 = background) under `model`. */
export function predictImage(model: tf.LayersModel, pixels: Uint8Array): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor2d(
      Float32Array.from(pixels, (v) => v / 255),
      [1, pixels.length],
    );
    return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
  });
}
