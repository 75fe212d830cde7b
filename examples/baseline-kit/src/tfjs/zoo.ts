// The model zoo: every tfjs architecture the baselines train, built from one table.
import * as tf from '@tensorflow/tfjs';

/** Every architecture in the zoo, by the name recorded in results and metadata. */
export type ZooModelName = 'mlp-128' | 'cnn-small' | 'cnn-bn' | 'mlp-64' | 'cnn-tiny';

/** One architecture: its description and how to stack its layers. */
export interface ZooEntry {
  /** One line, stored in ONNX metadata. */
  description: string;
  /** The tfjs model's own name (the committed ONNX models keep theirs: `mlp_64`, `cnn_tiny`). */
  layersName: string;
  /** The layers, with initialisers seeded from `seed + offset` so a seed fixes the start weights. */
  layers(seed: number): tf.layers.Layer[];
}

const init = (seed: number, offset: number) =>
  tf.initializers.glorotUniform({ seed: seed + offset });

const conv = (seed: number, offset: number, filters: number, first: boolean) =>
  tf.layers.conv2d({
    ...(first ? { inputShape: [28, 28, 1] } : {}),
    filters,
    kernelSize: 3,
    padding: 'same',
    activation: 'relu',
    kernelInitializer: init(seed, offset),
  });

const dense = (seed: number, offset: number, units: number, activation: 'relu' | 'softmax') =>
  tf.layers.dense({ units, activation, kernelInitializer: init(seed, offset) });

/** The CNNs' trunk: conv 3x3 relu -> maxpool 2, twice (`first` then `second` filters), flattened. */
const convTrunk = (seed: number, first: number, second: number) => [
  conv(seed, 1, first, true),
  tf.layers.maxPooling2d({ poolSize: 2 }),
  conv(seed, 2, second, false),
  tf.layers.maxPooling2d({ poolSize: 2 }),
  tf.layers.flatten(),
];

/**
 * The zoo. `mlp-128` and `cnn-small` are the tfjs baseline's models (> 88% and > 91% on
 * Fashion-MNIST, small enough for the wasm backend on two cores); `cnn-bn` is `cnn-small` with a
 * batch normalization after each convolution's relu, the full run's CNN (> 92.5% in 12 epochs;
 * the tfjs baseline trains its two layers with `@fmnist/tfjs`'s `fusedBatchNorm`, 1.1-1.2x a
 * `cnn-small` step on wasm instead of 2x); `mlp-64` and `cnn-tiny` are
 * deliberately smaller versions whose ONNX exports are committed in `examples/onnx-baseline/models`
 * (about 200 KB and 40 KB). All take `[N, 28, 28, 1]` images and end in a 10-way softmax.
 */
export const MODEL_ZOO: Readonly<Record<ZooModelName, ZooEntry>> = {
  'mlp-128': {
    description: 'Flatten -> Dense 128 relu -> Dense 10 softmax',
    layersName: 'mlp-128',
    layers: (seed) => [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      dense(seed, 1, 128, 'relu'),
      dense(seed, 2, 10, 'softmax'),
    ],
  },
  'cnn-small': {
    description:
      'Conv 3x3x16 relu -> MaxPool 2 -> Conv 3x3x32 relu -> MaxPool 2 -> Flatten -> Dense 128 relu -> Dropout 0.25 -> Dense 10 softmax',
    layersName: 'cnn-small',
    layers: (seed) => [
      ...convTrunk(seed, 16, 32),
      dense(seed, 3, 128, 'relu'),
      tf.layers.dropout({ rate: 0.25, seed: seed + 4 }),
      dense(seed, 5, 10, 'softmax'),
    ],
  },
  'cnn-bn': {
    description:
      'Conv 3x3x16 relu -> BatchNorm -> MaxPool 2 -> Conv 3x3x32 relu -> BatchNorm -> MaxPool 2 -> Flatten -> Dense 128 relu -> Dropout 0.25 -> Dense 10 softmax',
    layersName: 'cnn-bn',
    layers: (seed) => [
      conv(seed, 1, 16, true),
      tf.layers.batchNormalization(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(seed, 2, 32, false),
      tf.layers.batchNormalization(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      dense(seed, 3, 128, 'relu'),
      tf.layers.dropout({ rate: 0.25, seed: seed + 4 }),
      dense(seed, 5, 10, 'softmax'),
    ],
  },
  'mlp-64': {
    description: 'Flatten -> Dense 64 relu -> Dropout 0.2 -> Dense 10 softmax',
    layersName: 'mlp_64',
    layers: (seed) => [
      tf.layers.flatten({ inputShape: [28, 28, 1] }),
      dense(seed, 1, 64, 'relu'),
      tf.layers.dropout({ rate: 0.2, seed: seed + 2 }),
      dense(seed, 3, 10, 'softmax'),
    ],
  },
  'cnn-tiny': {
    description:
      'Conv 3x3x8 relu -> MaxPool 2 -> Conv 3x3x16 relu -> MaxPool 2 -> Flatten -> Dense 10 softmax',
    layersName: 'cnn_tiny',
    layers: (seed) => [...convTrunk(seed, 8, 16), dense(seed, 3, 10, 'softmax')],
  },
};

/**
 * Builds and compiles a zoo model with seeded initializers (and a seeded dropout), so the same
 * seed gives the same starting weights on every backend. Compiled with Adam (`adam(learningRate)`,
 * default `tf.train.adam`; the tfjs baseline passes `@fmnist/tfjs`'s `fusedAdam`, the same
 * update) and categorical cross-entropy on one-hot labels.
 *
 * - `mlp-128`: 784 -> dense 128 relu -> dense 10 softmax (101,770 weights).
 * - `cnn-small`: conv 3x3x16 relu -> maxpool 2 -> conv 3x3x32 relu -> maxpool 2 -> dense 128 relu
 *   -> dropout 0.25 -> dense 10 softmax (206,922 weights).
 * - `cnn-bn`: `cnn-small` with batch normalization after each convolution's relu (207,114
 *   weights: 192 more, the two layers' scales, offsets, moving means and variances).
 * - `mlp-64`: 784 -> dense 64 relu -> dropout 0.2 -> dense 10 softmax (50,890 weights).
 * - `cnn-tiny`: conv 3x3x8 relu -> maxpool 2 -> conv 3x3x16 relu -> maxpool 2 -> dense 10
 *   softmax (9,098 weights).
 */
export function buildModel(
  name: ZooModelName,
  seed: number,
  learningRate = 0.001,
  adam: (learningRate: number) => tf.Optimizer = tf.train.adam,
): tf.LayersModel {
  const entry = MODEL_ZOO[name];
  const model = tf.sequential({ name: entry.layersName, layers: entry.layers(seed) });
  model.compile({
    optimizer: adam(learningRate),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}
