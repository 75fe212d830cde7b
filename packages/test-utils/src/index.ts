// biome-ignore-all assist/source/organizeImports: exports are grouped by source file, not sorted
// The exports of @fmnist/test-utils, listed explicitly. One marked section per source file.

// idxFixtures.ts
export type { DatasetFilesFixture, DatasetFilesOptions, FixtureArray } from './idxFixtures.ts';
export {
  FIXTURE_IDX_TYPES,
  fixtureRandom,
  fixtureValues,
  gzipBytes,
  idxHeader,
  makeDatasetFiles,
  makeIdx,
  makeImages,
  makeImagesIdx,
  makeLabels,
  makeLabelsIdx,
} from './idxFixtures.ts';

// testServer.ts
export type { TestRoute, TestServer } from './testServer.ts';
export { startTestServer } from './testServer.ts';

// realData.ts
export { chromiumArgs, chromiumPath, realDataDir, realDataFile, repoRoot } from './realData.ts';

// adapterContract.ts
export type {
  AdapterContractSubject,
  ConvertedBatch,
  ConvertedSplit,
} from './adapterContract.ts';
export { contractSplit, describeAdapterContract } from './adapterContract.ts';

// browserPage.ts
export type { ServedPage, ServePageOptions } from './browserPage.ts';
export { listFiles, PAGE_CONTENT_TYPES, servePage } from './browserPage.ts';

// readmeSnippets.ts
export { readmeSnippets, runSnippet } from './readmeSnippets.ts';

// cacheContract.ts
export { describeCacheContract } from './cacheContract.ts';

// gunzipContract.ts
export { describeGunzipContract } from './gunzipContract.ts';

// vitePreview.ts
export type {
  DevViteConfig,
  DevWithDataOptions,
  PreviewedPage,
  PreviewViteConfig,
  PreviewWithDataOptions,
} from './vitePreview.ts';
export { devWithData, previewWithData } from './vitePreview.ts';

// thrownBy.ts
export { thrownBy } from './thrownBy.ts';

// publishedClasses.ts
export { PUBLISHED_FASHION_MNIST_CLASSES } from './publishedClasses.ts';
