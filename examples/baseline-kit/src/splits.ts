// Split prefixes: how every baseline takes "the first N images" of a split.
import { type DatasetSplit, subset } from '@fmnist/core';

/**
 * The first `count` samples of `split` (the split itself when `count` is missing, null or not
 * smaller). A prefix, not a sample: every baseline of a comparison sees the same images in the
 * same order.
 */
export function prefixOf(split: DatasetSplit, count?: number | null): DatasetSplit {
  return count !== undefined && count !== null && count < split.count
    ? subset(split, { count })
    : split;
}
