// Test fixtures of the tfjs adapter: the shared contract split, for either dataset, and a ragged one.
import { type DatasetSplit, fashionMnist, mnist } from '@fmnist/core';
import { contractSplit } from '@fmnist/test-utils';
import * as tf from '@tensorflow/tfjs';

/** test-utils' deterministic contract split (every class present), labelled as `dataset`. */
export function syntheticSplit(
  count = 23,
  dataset: 'fashion-mnist' | 'mnist' = 'fashion-mnist',
): DatasetSplit {
  const descriptor = dataset === 'mnist' ? mnist : fashionMnist;
  return { ...contractSplit(count), dataset: descriptor.id, classNames: descriptor.classNames };
}

/** The split with its image bytes cut short, which every entry point must reject. */
export function raggedSplit(): DatasetSplit {
  const split = syntheticSplit();
  return { ...split, images: split.images.subarray(0, split.images.length - 3) };
}

/**
 * Test-model builder: Conv2D and Dense layers whose Glorot kernel is seeded, so a test model
 * starts from the same weights on every run.
 */
export const seeded = {
  conv2d: (seed: number, args: Parameters<typeof tf.layers.conv2d>[0]) =>
    tf.layers.conv2d({ ...args, kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
  dense: (seed: number, args: Parameters<typeof tf.layers.dense>[0]) =>
    tf.layers.dense({ ...args, kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
};
