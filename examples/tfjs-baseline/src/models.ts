import * as tf from '@tensorflow/tfjs';

/** The two baseline architectures. */
export type ModelKind = 'mlp' | 'cnn';

/** Names recorded in the result JSON (shared vocabulary across the baselines). */
export const MODEL_NAMES: Record<ModelKind, string> = {
  mlp: 'mlp-128',
  cnn: 'cnn-small',
};

/**
 * Builds and compiles a baseline model with seeded initializers (and a seeded dropout), so the
 * same seed gives the same starting weights on every backend.
 *
 * - `mlp`: 784 -> dense 128 relu -> dense 10 softmax (101,770 weights).
 * - `cnn`: conv 3x3x16 relu -> maxpool 2 -> conv 3x3x32 relu -> maxpool 2 -> dense 128 relu ->
 *   dropout 0.25 -> dense 10 softmax (206,922 weights). Small enough for the wasm backend on two
 *   CPU cores, large enough for > 91% on Fashion-MNIST.
 *
 * Both take `[N, 28, 28, 1]` images and are compiled with Adam and categorical cross-entropy on
 * one-hot labels.
 */
export function buildModel(kind: ModelKind, seed: number, learningRate = 0.001): tf.LayersModel {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  const model = tf.sequential({ name: MODEL_NAMES[kind] });
  if (kind === 'mlp') {
    model.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
    model.add(tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(1) }));
    model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(2) }));
  } else {
    model.add(
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
      }),
    );
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(
      tf.layers.conv2d({
        filters: 32,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(2),
      }),
    );
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(3) }));
    model.add(tf.layers.dropout({ rate: 0.25, seed: seed + 4 }));
    model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(5) }));
  }
  model.compile({
    optimizer: tf.train.adam(learningRate),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}
