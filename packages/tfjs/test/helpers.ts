// Test fixtures of the tfjs adapter: the shared contract split, for either dataset, and a ragged one.
import { type DatasetSplit, fashionMnist, mnist } from '@fmnist/core';
import { contractSplit } from '@fmnist/test-utils';

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
