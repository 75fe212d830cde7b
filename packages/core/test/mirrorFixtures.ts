// The mirror tests' fixture: one gzip file, a wrong file of the same size class, and a 127.0.0.1 server per test file.
import { type DatasetFile, nodePlatform } from '@fmnist/core/node';
import { makeDatasetFiles } from '@fmnist/test-utils';
import { useFileServer } from './fileServer.ts';
import { sha256 } from './helpers.ts';

const fixture = makeDatasetFiles({ count: 40, seed: 7 });
/** The file's published bytes. */
export const body = fixture.imagesIdxGz;
/** The descriptor entry of {@link body}. */
export const file: DatasetFile = { name: 'images.gz', bytes: body.length, sha256: sha256(body) };
/** Another valid gzip IDX file: what a mirror serving the wrong file sends. */
export const wrongBody = makeDatasetFiles({ count: 40, seed: 8 }).imagesIdxGz;
/** Download options that keep failing tests quick, on the Node platform without a cache. */
export const fast = {
  retryDelayMs: 1,
  timeoutMs: 2000,
  platform: nodePlatform({ cacheDir: false }),
};

/** The test server of the current file (see {@link useMirrorServer}). */
export { server } from './fileServer.ts';

/** Registers one 127.0.0.1 server for the test file, with request counts reset before each test. */
export const useMirrorServer: () => void = useFileServer;
