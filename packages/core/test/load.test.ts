// loadDataset end to end: local directories (.gz and unpacked), the cache, downloads from a real
// 127.0.0.1 server, checksum failures (including real MNIST bytes under Fashion-MNIST names) and
// the real Fashion-MNIST test files served over HTTP.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as main from '@fmnist/core';
import * as nodeEntry from '@fmnist/core/node';
import {
  browserPlatform,
  type DatasetDescriptor,
  type DatasetFile,
  type DownloadProgress,
  datasetDirEnv,
  FmnistError,
  fashionMnist,
  loadDataset,
  loadFashionMnist,
  memoryCache,
  mnist,
  nodePlatform,
  type Platform,
} from '@fmnist/core/node';
import {
  type DatasetFilesFixture,
  gzipBytes,
  makeDatasetFiles,
  makeIdx,
  makeLabelsIdx,
  startTestServer,
  type TestServer,
} from '@fmnist/test-utils';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/** A real file from ../shared (or FMNIST_DATA_DIR / FMNIST_MNIST_DIR); reading it fails loudly if absent. */
function realDataFile(name: string, dataset: 'fashion-mnist' | 'mnist' = 'fashion-mnist'): string {
  const env = dataset === 'mnist' ? process.env.FMNIST_MNIST_DIR : process.env.FMNIST_DATA_DIR;
  const here = path.dirname(new URL(import.meta.url).pathname);
  return path.join(env || path.resolve(here, '../../../../shared', dataset), name);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const H = 8;
const W = 6;
const train = makeDatasetFiles({ count: 30, height: H, width: W, seed: 1 });
const test = makeDatasetFiles({ count: 20, height: H, width: W, seed: 2 });

function fileOf(name: string, gz: Uint8Array, raw: Uint8Array): DatasetFile {
  return {
    name,
    bytes: gz.length,
    sha256: sha256(gz),
    rawBytes: raw.length,
    rawSha256: sha256(raw),
  };
}

/** A tiny dataset whose files are the fixtures above, served from `mirrors`. */
function descriptor(id: string, mirrors: string[] = []): DatasetDescriptor {
  return {
    id,
    title: `fixture ${id}`,
    files: {
      trainImages: fileOf('train-images.gz', train.imagesIdxGz, train.imagesIdx),
      trainLabels: fileOf('train-labels.gz', train.labelsIdxGz, train.labelsIdx),
      testImages: fileOf('test-images.gz', test.imagesIdxGz, test.imagesIdx),
      testLabels: fileOf('test-labels.gz', test.labelsIdxGz, test.labelsIdx),
    },
    classNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'],
    mirrors,
    imageShape: [H, W],
    counts: { train: 30, test: 20 },
  };
}

function serveFixtures(server: TestServer, folder: string): string {
  return server.mirror(folder, {
    'train-images.gz': { kind: 'bytes', body: train.imagesIdxGz },
    'train-labels.gz': { kind: 'bytes', body: train.labelsIdxGz },
    'test-images.gz': { kind: 'bytes', body: test.imagesIdxGz },
    'test-labels.gz': { kind: 'bytes', body: test.labelsIdxGz },
  });
}

function expectSplit(split: Awaited<ReturnType<typeof loadDataset>>, fx: DatasetFilesFixture) {
  expect(split.count).toBe(fx.count);
  expect(split.imageShape).toEqual([H, W]);
  expect(split.images).toEqual(fx.images);
  expect(split.labels).toEqual(fx.labels);
}

async function failure(promise: Promise<unknown>): Promise<FmnistError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a rejection').toBeInstanceOf(FmnistError);
  return error as FmnistError;
}

const fast = { retryDelayMs: 1, timeoutMs: 5000 };
/** The Node platform without a cache and with a fake environment, so tests never read the real one. */
const platformWith = (
  env: Record<string, string> = {},
  cacheDir: string | false = false,
): Platform => ({
  ...nodePlatform({ cacheDir }),
  env: (name) => env[name],
});

let server: TestServer;
let tmp: string;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  server.resetCounts();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fmnist-load-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('loadDataset from a local directory', () => {
  it('loads .gz files, as zero-copy views of the decoded IDX bodies', async () => {
    for (const [name, bytes] of [
      ['train-images.gz', train.imagesIdxGz],
      ['train-labels.gz', train.labelsIdxGz],
    ] as const) {
      await writeFile(path.join(tmp, name), bytes);
    }
    const split = await loadDataset({
      dataset: descriptor('local-gz'),
      dataDir: tmp,
      platform: platformWith(),
    });
    expectSplit(split, train);
    expect(split).toMatchObject({ dataset: 'local-gz', split: 'train' });
    // A view behind the 16-byte IDX header, on a buffer holding exactly the decoded file.
    expect(split.images.byteOffset).toBe(16);
    expect(split.images.buffer.byteLength).toBe(train.imagesIdx.length);
  });

  it('loads already-unpacked files (name without .gz), checked against rawSha256', async () => {
    await writeFile(path.join(tmp, 'test-images'), test.imagesIdx);
    await writeFile(path.join(tmp, 'test-labels'), test.labelsIdx);
    const split = await loadDataset({
      dataset: descriptor('local-raw'),
      split: 'test',
      dataDir: tmp,
      platform: platformWith(),
    });
    expectSplit(split, test);

    await writeFile(path.join(tmp, 'test-labels'), train.labelsIdx.subarray(0, 28));
    const error = await failure(
      loadDataset({
        dataset: descriptor('local-raw'),
        split: 'test',
        dataDir: tmp,
        platform: platformWith(),
      }),
    );
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(error.message).toContain(path.join(tmp, 'test-labels'));
    expect(error.message).toContain(descriptor('x').files.testLabels.rawSha256);
  });

  it('requires an explicit directory to hold the files: NOT_FOUND naming dir and file', async () => {
    const error = await failure(
      loadDataset({
        dataset: descriptor('local-missing', [serveFixtures(server, 'never')]),
        dataDir: tmp,
        platform: platformWith(),
      }),
    );
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain(tmp);
    expect(error.message).toMatch(/train-(images|labels)\.gz/);
    expect(server.requests('/never/train-images.gz')).toBe(0);
  });

  it('rejects real MNIST files in a Fashion-MNIST directory', async () => {
    // Real MNIST labels saved under the Fashion-MNIST name, as a user reported.
    await writeFile(
      path.join(tmp, 't10k-labels-idx1-ubyte.gz'),
      await readFile(realDataFile('t10k-labels-idx1-ubyte.gz', 'mnist')),
    );
    await writeFile(
      path.join(tmp, 't10k-images-idx3-ubyte.gz'),
      await readFile(realDataFile('t10k-images-idx3-ubyte.gz')),
    );
    const error = await failure(
      loadFashionMnist({ split: 'test', dataDir: tmp, platform: platformWith() }),
    );
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(error.message).toContain('t10k-labels-idx1-ubyte.gz');
    expect(error.message).toContain(fashionMnist.files.testLabels.sha256);
    expect(error.message).toContain(mnist.files.testLabels.sha256);
  });

  it('takes the directory from the environment: FMNIST_<ID>_DIR strictly, FMNIST_DATA_DIR only when it matches', async () => {
    expect(datasetDirEnv('mnist')).toBe('FMNIST_MNIST_DIR');
    expect(datasetDirEnv('k-mnist.v2')).toBe('FMNIST_K_MNIST_V2_DIR');
    const own = path.join(tmp, 'own');
    const shared = path.join(tmp, 'shared');
    await rm(own, { recursive: true, force: true });
    for (const dir of [own, shared]) {
      await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    }
    await writeFile(path.join(own, 'test-images.gz'), test.imagesIdxGz);
    await writeFile(path.join(own, 'test-labels.gz'), test.labelsIdxGz);
    const ds = descriptor('env-ds', [serveFixtures(server, 'env')]);
    const viaOwn = await loadDataset({
      dataset: ds,
      split: 'test',
      platform: platformWith({ FMNIST_ENV_DS_DIR: own, FMNIST_DATA_DIR: shared }),
      ...fast,
    });
    expectSplit(viaOwn, test);
    expect(server.requests('/env/test-images.gz')).toBe(0);

    // The shared dir holds someone else's files (wrong checksums): ignored, files downloaded.
    await writeFile(path.join(shared, 'test-images.gz'), train.imagesIdxGz);
    await writeFile(path.join(shared, 'test-labels.gz'), train.labelsIdxGz);
    const viaShared = await loadDataset({
      dataset: ds,
      split: 'test',
      platform: platformWith({ FMNIST_DATA_DIR: shared }),
      ...fast,
    });
    expectSplit(viaShared, test);
    expect(server.requests('/env/test-images.gz')).toBe(1);
    expect(server.requests('/env/test-labels.gz')).toBe(1);

    // An explicit own env dir is strict, like dataDir.
    const error = await failure(
      loadDataset({
        dataset: ds,
        split: 'test',
        platform: platformWith({ FMNIST_ENV_DS_DIR: shared }),
      }),
    );
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(error.message).toContain('FMNIST_ENV_DS_DIR');
  });

  it('uses FMNIST_DATA_DIR for Fashion-MNIST (real files)', async () => {
    const dir = path.dirname(realDataFile('t10k-labels-idx1-ubyte.gz'));
    const split = await loadFashionMnist({
      split: 'test',
      platform: platformWith({ FMNIST_DATA_DIR: dir }),
    });
    expect(split.count).toBe(10000);
    expect(Array.from(split.labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  });

  it('refuses a data directory on a platform that cannot read files', async () => {
    const error = await failure(
      loadDataset({ dataset: descriptor('no-fs'), dataDir: tmp, platform: browserPlatform() }),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('@fmnist/core/node');
  });
});

describe('loadDataset with cache and downloads', () => {
  it('downloads once, then serves the second call from the cache', async () => {
    const ds = descriptor('cached', [serveFixtures(server, 'cached')]);
    const cacheDir = path.join(tmp, 'cache');
    const first = await loadDataset({ dataset: ds, platform: platformWith({}, cacheDir), ...fast });
    expectSplit(first, train);
    expect(server.requests('/cached/train-images.gz')).toBe(1);
    expect(await readFile(path.join(cacheDir, 'cached', 'train-images.gz'))).toEqual(
      Buffer.from(train.imagesIdxGz),
    );
    const second = await loadDataset({
      dataset: ds,
      platform: platformWith({}, cacheDir),
      ...fast,
    });
    expectSplit(second, train);
    expect(server.requests('/cached/train-images.gz')).toBe(1);
    expect(server.requests('/cached/train-labels.gz')).toBe(1);
  });

  it('takes cacheDir in the Node entry and ignores the cache with cache: false', async () => {
    const ds = descriptor('cache-dir', [serveFixtures(server, 'cache-dir')]);
    const cacheDir = path.join(tmp, 'node-cache');
    await loadDataset({ dataset: ds, cacheDir, ...fast });
    expect(existsSync(path.join(cacheDir, 'cache-dir', 'train-labels.gz'))).toBe(true);
    await loadDataset({ dataset: ds, cacheDir, ...fast });
    expect(server.requests('/cache-dir/train-labels.gz')).toBe(1);
    await loadDataset({ dataset: ds, cache: false, ...fast });
    expect(server.requests('/cache-dir/train-labels.gz')).toBe(2);
  });

  it('detects a corrupted cache file, deletes it and downloads again', async () => {
    const ds = descriptor('corrupt', [serveFixtures(server, 'corrupt')]);
    const cacheDir = path.join(tmp, 'cache');
    const cached = path.join(cacheDir, 'corrupt', 'train-images.gz');
    await loadDataset({ dataset: ds, platform: platformWith({}, cacheDir), ...fast });
    const damaged = Buffer.from(train.imagesIdxGz);
    damaged[damaged.length >> 1] ^= 0xff;
    await writeFile(cached, damaged);
    const split = await loadDataset({ dataset: ds, platform: platformWith({}, cacheDir), ...fast });
    expectSplit(split, train);
    expect(server.requests('/corrupt/train-images.gz')).toBe(2);
    expect(server.requests('/corrupt/train-labels.gz')).toBe(1);
    expect(await readFile(cached)).toEqual(Buffer.from(train.imagesIdxGz));
  });

  it('rejects a wrong download with CHECKSUM_MISMATCH and caches nothing', async () => {
    const mirror = server.mirror('wrong', {
      'train-images.gz': { kind: 'bytes', body: test.imagesIdxGz },
      'train-labels.gz': { kind: 'bytes', body: train.labelsIdxGz },
    });
    const cacheDir = path.join(tmp, 'cache');
    const error = await failure(
      loadDataset({
        dataset: descriptor('wrong', [mirror]),
        platform: platformWith({}, cacheDir),
        ...fast,
      }),
    );
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(error.message).toContain('train-images.gz');
    expect(existsSync(path.join(cacheDir, 'wrong', 'train-images.gz'))).toBe(false);
  });

  it('rejects real MNIST bytes served under the Fashion-MNIST name, caching nothing', async () => {
    const mirror = server.mirror('mnist-as-fashion', {
      't10k-images-idx3-ubyte.gz': {
        kind: 'file',
        path: realDataFile('t10k-images-idx3-ubyte.gz'),
      },
      't10k-labels-idx1-ubyte.gz': {
        kind: 'file',
        path: realDataFile('t10k-labels-idx1-ubyte.gz', 'mnist'),
      },
    });
    const cache = memoryCache();
    const error = await failure(
      loadFashionMnist({
        split: 'test',
        mirrors: [mirror],
        cache,
        platform: platformWith(),
        ...fast,
      }),
    );
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(error.message).toContain('t10k-labels-idx1-ubyte.gz');
    expect(error.message).toContain(fashionMnist.files.testLabels.sha256);
    expect(error.message).toContain(mnist.files.testLabels.sha256);
    expect(await cache.get('fashion-mnist/t10k-labels-idx1-ubyte.gz')).toBeUndefined();
  });

  it('downloads and loads the real Fashion-MNIST test split over HTTP', async () => {
    const mirror = server.mirror('real', {
      't10k-images-idx3-ubyte.gz': {
        kind: 'file',
        path: realDataFile('t10k-images-idx3-ubyte.gz'),
      },
      't10k-labels-idx1-ubyte.gz': {
        kind: 'file',
        path: realDataFile('t10k-labels-idx1-ubyte.gz'),
      },
    });
    const cacheDir = path.join(tmp, 'cache');
    const events: DownloadProgress[] = [];
    const split = await loadFashionMnist({
      split: 'test',
      mirrors: [mirror],
      platform: platformWith({}, cacheDir),
      onProgress: (p) => events.push(p),
      ...fast,
    });
    expect(split.count).toBe(10000);
    expect(split.images.length).toBe(10000 * 28 * 28);
    expect(split.classNames).toEqual(fashionMnist.classNames);
    expect(Array.from(split.labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    // Zero-copy: views behind the IDX headers on buffers holding exactly the decoded files.
    expect([split.images.byteOffset, split.images.buffer.byteLength]).toEqual([16, 7840016]);
    expect([split.labels.byteOffset, split.labels.buffer.byteLength]).toEqual([8, 10008]);
    const images = events.filter((e) => e.file === 't10k-images-idx3-ubyte.gz');
    expect([...new Set(images.map((e) => e.phase))]).toEqual(['download', 'verify', 'decode']);
    expect(images.at(-1)).toMatchObject({ phase: 'decode', loaded: 7840016, total: 7840016 });
    expect(images.filter((e) => e.phase === 'download').at(-1)!.loaded).toBe(4422102);
    expect(
      sha256(await readFile(path.join(cacheDir, 'fashion-mnist', 't10k-images-idx3-ubyte.gz'))),
    ).toBe(fashionMnist.files.testImages.sha256);
  });

  it('reports an unusable cache directory as CACHE_IO naming the path', async () => {
    const blocked = path.join(tmp, 'file-not-dir');
    await writeFile(blocked, 'x');
    const ds = descriptor('blocked', [serveFixtures(server, 'blocked')]);
    const error = await failure(
      loadDataset({ dataset: ds, platform: platformWith({}, blocked), ...fast }),
    );
    expect(error.code).toBe('CACHE_IO');
    expect(error.message).toContain(blocked);
  });

  it('allows http mirrors for files without sha256 only when the descriptor or option says so', async () => {
    const ds = descriptor('unsigned', [serveFixtures(server, 'unsigned')]);
    for (const key of ['testImages', 'testLabels'] as const) {
      const { sha256: _omit, ...rest } = ds.files[key];
      ds.files[key] = rest;
    }
    const refused = await failure(
      loadDataset({ dataset: ds, split: 'test', platform: platformWith(), ...fast }),
    );
    expect(refused.code).toBe('DOWNLOAD_FAILED');
    expect(refused.message).toMatch(/non-https/);
    expect(server.requests('/unsigned/test-images.gz')).toBe(0);
    expectSplit(
      await loadDataset({
        dataset: ds,
        split: 'test',
        platform: platformWith(),
        allowInsecure: true,
        ...fast,
      }),
      test,
    );
    expectSplit(
      await loadDataset({
        dataset: { ...ds, allowInsecureMirrors: true },
        split: 'test',
        platform: platformWith(),
        ...fast,
      }),
      test,
    );
  });

  it('fetches images and labels concurrently, and one failure stops the other', async () => {
    const mirror = server.mirror('concurrent', {
      'train-labels.gz': { kind: 'stall', body: train.labelsIdxGz, afterBytes: 10 },
    });
    const started = performance.now();
    const error = await failure(
      loadDataset({
        dataset: descriptor('concurrent', [mirror]),
        platform: platformWith(),
        retryDelayMs: 1,
        timeoutMs: 60_000,
      }),
    );
    // The images 404 fails the load at once; the labels request had already started.
    expect(error.code).toBe('DOWNLOAD_FAILED');
    expect(error.message).toContain('train-images.gz');
    expect(server.requests('/concurrent/train-labels.gz')).toBe(1);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('aborts with ABORTED', async () => {
    const mirror = server.mirror('abort', {
      'train-images.gz': { kind: 'stall', body: train.imagesIdxGz, afterBytes: 10 },
      'train-labels.gz': { kind: 'stall', body: train.labelsIdxGz, afterBytes: 10 },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(
      loadDataset({
        dataset: descriptor('abort', [mirror]),
        platform: platformWith(),
        signal: controller.signal,
        timeoutMs: 60_000,
      }),
    );
    expect(error.code).toBe('ABORTED');
  });

  it('works with the main entry, browserPlatform and memoryCache', async () => {
    const ds = descriptor('browserish', [serveFixtures(server, 'browserish')]);
    const cache = memoryCache();
    const platform = main.browserPlatform({ cache });
    const first = await main.loadDataset({ dataset: ds, split: 'test', platform, ...fast });
    expectSplit(first, test);
    const second = await main.loadDataset({ dataset: ds, split: 'test', platform, ...fast });
    expectSplit(second, test);
    expect(server.requests('/browserish/test-images.gz')).toBe(1);
    expect(await cache.get('browserish/test-images.gz')).toEqual(test.imagesIdxGz);
  });
});

describe('loadDataset checks the decoded files', () => {
  async function loadWith(files: Partial<Record<'images' | 'labels', Uint8Array>>) {
    const images = files.images ?? train.imagesIdx;
    const labels = files.labels ?? train.labelsIdx;
    const imagesGz = gzipBytes(images);
    const labelsGz = gzipBytes(labels);
    const ds = descriptor('checks');
    ds.files = {
      ...ds.files,
      trainImages: fileOf('train-images.gz', imagesGz, images),
      trainLabels: fileOf('train-labels.gz', labelsGz, labels),
    };
    await writeFile(path.join(tmp, 'train-images.gz'), imagesGz);
    await writeFile(path.join(tmp, 'train-labels.gz'), labelsGz);
    return failure(loadDataset({ dataset: ds, dataDir: tmp, platform: platformWith() }));
  }

  it('rejects an image count that differs from the label count', async () => {
    const error = await loadWith({ labels: makeLabelsIdx(train.labels.subarray(0, 29)) });
    expect(error.code).toBe('INVALID_IDX');
    expect(error.message).toMatch(/30 images .* 29 labels/);
  });

  it('rejects images of another size than the descriptor says', async () => {
    const error = await loadWith({ images: makeIdx('uint8', [30, W, H], train.images) });
    expect(error.code).toBe('INVALID_IDX');
    expect(error.message).toContain(`${H}x${W}`);
  });

  it('rejects labels outside classNames', async () => {
    const labels = train.labels.slice();
    labels[3] = 12;
    const error = await loadWith({ labels: makeLabelsIdx(labels) });
    expect(error.code).toBe('INVALID_IDX');
    expect(error.message).toContain('label 12 at index 3');
  });

  it('rejects unsafe descriptors and bad options', async () => {
    const ds = descriptor('unsafe');
    ds.files = { ...ds.files, trainImages: { ...ds.files.trainImages, name: '../escape.gz' } };
    expect((await failure(loadDataset({ dataset: ds, platform: platformWith() }))).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      (
        await failure(
          loadDataset({
            dataset: descriptor('s'),
            split: 'validation' as 'train',
            platform: platformWith(),
          }),
        )
      ).code,
    ).toBe('INVALID_ARGUMENT');
    expect((await failure(loadDataset({ dataset: 'no-such-dataset' }))).code).toBe(
      'UNKNOWN_DATASET',
    );
  });
});

describe('@fmnist/core/node', () => {
  it('exports everything the main entry exports', () => {
    const missing = Object.keys(main).filter((name) => !(name in nodeEntry));
    expect(missing).toEqual([]);
    for (const name of ['nodePlatform', 'fsCache', 'defaultCacheDir']) {
      expect(nodeEntry).toHaveProperty(name);
    }
  });
});
