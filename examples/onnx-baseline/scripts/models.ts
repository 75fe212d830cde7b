import * as tf from '@tensorflow/tfjs';

/** The two models this example ships. */
export type ModelKind = 'mlp' | 'cnn';

/** Names recorded in the result JSON. */
export const MODEL_NAMES: Record<ModelKind, string> = { mlp: 'mlp-64', cnn: 'cnn-tiny' };

/** One-line descriptions stored in the metadata. */
export const MODEL_DESCRIPTIONS: Record<ModelKind, string> = {
  mlp: 'Flatten -> Dense 64 relu -> Dropout 0.2 -> Dense 10 softmax',
  cnn: 'Conv 3x3x8 relu -> MaxPool 2 -> Conv 3x3x16 relu -> MaxPool 2 -> Flatten -> Dense 10 softmax',
};

/**
 * Deliberately small versions of the tfjs baseline's architectures, so the committed `.onnx`
 * files stay small (about 200 KB and 40 KB) while reaching useful accuracy. Seeded initializers:
 * the same seed gives the same starting weights. Input `[N,28,28,1]` like every tfjs model.
 */
export function buildModel(kind: ModelKind, seed: number, learningRate: number): tf.LayersModel {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  const model = tf.sequential({ name: MODEL_NAMES[kind].replace('-', '_') });
  if (kind === 'mlp') {
    model.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
    model.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(1) }));
    model.add(tf.layers.dropout({ rate: 0.2, seed: seed + 2 }));
    model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(3) }));
  } else {
    model.add(
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 8,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(1),
      }),
    );
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(
      tf.layers.conv2d({
        filters: 16,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(2),
      }),
    );
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(3) }));
  }
  model.compile({
    optimizer: tf.train.adam(learningRate),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}
