import { type DatasetSplit, fashionMnist, mnist } from '@fmnist/core';

/** A deterministic split: every class present, pixels spread over 0..255. */
export function syntheticSplit(
  count = 23,
  dataset: 'fashion-mnist' | 'mnist' = 'fashion-mnist',
): DatasetSplit {
  const size = 28 * 28;
  const images = new Uint8Array(count * size);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = (i * 3) % 10;
    for (let p = 0; p < size; p++) images[i * size + p] = (i * 29 + p * 11) % 256;
  }
  const descriptor = dataset === 'mnist' ? mnist : fashionMnist;
  return {
    dataset: descriptor.id,
    split: 'train',
    images,
    labels,
    count,
    imageShape: [28, 28],
    classNames: descriptor.classNames,
  };
}

/** The split with its image bytes cut short, which every entry point must reject. */
export function raggedSplit(): DatasetSplit {
  const split = syntheticSplit();
  return { ...split, images: split.images.subarray(0, split.images.length - 3) };
}
