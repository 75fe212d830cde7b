// The public API of @fmnist/core, listed explicitly. One section per source file.

// errors.ts
export type { FmnistErrorCode, FmnistErrorOptions } from './errors.ts';
export { FmnistError, isFmnistError } from './errors.ts';

// datasets.ts
export type { DatasetDescriptor, DatasetFile, DatasetFiles, Split } from './datasets.ts';
export {
  fashionMnist,
  getDataset,
  listDatasets,
  mnist,
  registerDataset,
  splitFiles,
} from './datasets.ts';

// idx.ts + gzip.ts (codec)

// platform.ts + download.ts + load.ts (loading)

// transforms.ts + random.ts + splits.ts + batches.ts + metrics.ts (transforms)
