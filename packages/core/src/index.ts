export type { DatasetDescriptor, DatasetFile, DatasetFiles, Split } from './datasets.ts';
export {
  fashionMnist,
  getDataset,
  listDatasets,
  mnist,
  registerDataset,
  splitFiles,
} from './datasets.ts';
export type { FmnistErrorCode, FmnistErrorOptions } from './errors.ts';
export { FmnistError, isFmnistError } from './errors.ts';
