// loadDataset end to end: the cache, downloads from a real 127.0.0.1 server, checksum failures
// (including real MNIST bytes under Fashion-MNIST names), the real Fashion-MNIST test files
// served over HTTP, concurrency and abort.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as main from '@fmnist/core';
import {
  type DatasetDescriptor,
  fashionMnist,
  type LoadProgress,
  loadDataset,
  loadFashionMnist,
  memoryCache,
  mnist,
} from '@fmnist/core/node';
import { realDataFile } from '@fmnist/test-utils';
import { describe, expect, it } from 'vitest';
import { failure, sha256 } from './helpers.ts';
import * as fx from './loadFixtures.ts';

fx.useServerAndTmp();

/** Loads the train split of `ds` with the file cache in `cacheDir`. */
const loadWithCache = (ds: DatasetDescriptor, cacheDir: string) =>
  loadDataset({ dataset: ds, platform: fx.platformWith({}, cacheDir), ...fx.fast });

/** Serves the real Fashion-MNIST test images under `/<folder>/`, with the labels of `labels`. */
const serveRealTest = (folder: string, labels: 'fashion-mnist' | 'mnist' = 'fashion-mnist') =>
  fx.server.mirror(folder, {
    't10k-images-idx3-ubyte.gz': { kind: 'file', path: realDataFile('t10k-images-idx3-ubyte.gz') },
    't10k-labels-idx1-ubyte.gz': {
      kind: 'file',
      path: realDataFile('t10k-labels-idx1-ubyte.gz', labels),
    },
  });

describe('loadDataset with cache and downloads', () => {
  it('downloads once, then serves the second call from the cache', async () => {
    const ds = fx.served('cached');
    const cacheDir = path.join(fx.tmp, 'cache');
    const first = await loadWithCache(ds, cacheDir);
    fx.expectSplit(first, fx.train);
    expect(fx.server.requests('/cached/train-images.gz')).toBe(1);
    expect(await readFile(path.join(cacheDir, 'cached', 'train-images.gz'))).toEqual(
      Buffer.from(fx.train.imagesIdxGz),
    );
    const second = await loadWithCache(ds, cacheDir);
    fx.expectSplit(second, fx.train);
    expect(fx.server.requests('/cached/train-images.gz')).toBe(1);
    expect(fx.server.requests('/cached/train-labels.gz')).toBe(1);
  });

  it('takes cacheDir in the Node entry and ignores the cache with cache: false', async () => {
    const ds = fx.served('cache-dir');
    const cacheDir = path.join(fx.tmp, 'node-cache');
    await loadDataset({ dataset: ds, cacheDir, ...fx.fast });
    expect(existsSync(path.join(cacheDir, 'cache-dir', 'train-labels.gz'))).toBe(true);
    await loadDataset({ dataset: ds, cacheDir, ...fx.fast });
    expect(fx.server.requests('/cache-dir/train-labels.gz')).toBe(1);
    await loadDataset({ dataset: ds, cache: false, ...fx.fast });
    expect(fx.server.requests('/cache-dir/train-labels.gz')).toBe(2);
  });

  it('detects a corrupted cache file, deletes it and downloads again', async () => {
    const ds = fx.served('corrupt');
    const cacheDir = path.join(fx.tmp, 'cache');
    const cached = path.join(cacheDir, 'corrupt', 'train-images.gz');
    await loadWithCache(ds, cacheDir);
    const damaged = Buffer.from(fx.train.imagesIdxGz);
    damaged[damaged.length >> 1] ^= 0xff;
    await writeFile(cached, damaged);
    const split = await loadWithCache(ds, cacheDir);
    fx.expectSplit(split, fx.train);
    expect(fx.server.requests('/corrupt/train-images.gz')).toBe(2);
    expect(fx.server.requests('/corrupt/train-labels.gz')).toBe(1);
    expect(await readFile(cached)).toEqual(Buffer.from(fx.train.imagesIdxGz));
  });

  it('rejects a wrong download with CHECKSUM_MISMATCH and caches nothing', async () => {
    const mirror = fx.server.mirror('wrong', {
      'train-images.gz': { kind: 'bytes', body: fx.test.imagesIdxGz },
      'train-labels.gz': { kind: 'bytes', body: fx.train.labelsIdxGz },
    });
    const cacheDir = path.join(fx.tmp, 'cache');
    const error = await failure(
      loadDataset({
        dataset: fx.descriptor('wrong', [mirror]),
        platform: fx.platformWith({}, cacheDir),
        ...fx.fast,
      }),
    );
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(error.message).toContain('train-images.gz');
    expect(existsSync(path.join(cacheDir, 'wrong', 'train-images.gz'))).toBe(false);
  });

  it('rejects real MNIST bytes served under the Fashion-MNIST name, caching nothing', async () => {
    const mirror = serveRealTest('mnist-as-fashion', 'mnist');
    const cache = memoryCache();
    const error = await failure(
      loadFashionMnist({
        split: 'test',
        mirrors: [mirror],
        cache,
        platform: fx.platformWith(),
        ...fx.fast,
      }),
    );
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(error.message).toContain('t10k-labels-idx1-ubyte.gz');
    expect(error.message).toContain(fashionMnist.files.testLabels.sha256);
    expect(error.message).toContain(mnist.files.testLabels.sha256);
    expect(await cache.get('fashion-mnist/t10k-labels-idx1-ubyte.gz')).toBeUndefined();
  });

  it('downloads and loads the real Fashion-MNIST test split over HTTP', async () => {
    const mirror = serveRealTest('real');
    const cacheDir = path.join(fx.tmp, 'cache');
    const events: LoadProgress[] = [];
    const split = await loadFashionMnist({
      split: 'test',
      mirrors: [mirror],
      platform: fx.platformWith({}, cacheDir),
      onProgress: (p) => events.push(p),
      ...fx.fast,
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
    const blocked = path.join(fx.tmp, 'file-not-dir');
    await writeFile(blocked, 'x');
    const ds = fx.served('blocked');
    const error = await failure(
      loadDataset({ dataset: ds, platform: fx.platformWith({}, blocked), ...fx.fast }),
    );
    expect(error.code).toBe('CACHE_IO');
    expect(error.message).toContain(blocked);
  });

  it('allows http mirrors for files without sha256 only when the descriptor or option says so', async () => {
    const ds = fx.served('unsigned');
    for (const key of ['testImages', 'testLabels'] as const) {
      const { sha256: _omit, ...rest } = ds.files[key];
      ds.files[key] = rest;
    }
    const refused = await failure(
      loadDataset({ dataset: ds, split: 'test', platform: fx.platformWith(), ...fx.fast }),
    );
    expect(refused.code).toBe('DOWNLOAD_FAILED');
    expect(refused.message).toMatch(/non-https/);
    expect(fx.server.requests('/unsigned/test-images.gz')).toBe(0);
    fx.expectSplit(
      await loadDataset({
        dataset: ds,
        split: 'test',
        platform: fx.platformWith(),
        allowInsecure: true,
        ...fx.fast,
      }),
      fx.test,
    );
    fx.expectSplit(
      await loadDataset({
        dataset: { ...ds, allowInsecureMirrors: true },
        split: 'test',
        platform: fx.platformWith(),
        ...fx.fast,
      }),
      fx.test,
    );
  });

  it('fetches images and labels concurrently, and one failure stops the other', async () => {
    const mirror = fx.server.mirror('concurrent', {
      'train-labels.gz': { kind: 'stall', body: fx.train.labelsIdxGz, afterBytes: 10 },
    });
    // The labels stall forever under a 10 min idle timeout: only the images' failure ends the load.
    const error = await failure(
      loadDataset({
        dataset: fx.descriptor('concurrent', [mirror]),
        platform: fx.platformWith(),
        retryDelayMs: 1,
        timeoutMs: 600_000,
      }),
    );
    // The images 404 fails the load at once; the labels request had already started.
    expect(error.code).toBe('DOWNLOAD_FAILED');
    expect(error.message).toContain('train-images.gz');
    expect(fx.server.requests('/concurrent/train-labels.gz')).toBe(1);
  });

  it('aborts with ABORTED', async () => {
    const mirror = fx.server.mirror('abort', {
      'train-images.gz': { kind: 'stall', body: fx.train.imagesIdxGz, afterBytes: 10 },
      'train-labels.gz': { kind: 'stall', body: fx.train.labelsIdxGz, afterBytes: 10 },
    });
    const controller = new AbortController();
    // Aborted once both stalled requests have sent bytes; both stall forever otherwise.
    const started = new Set<string>();
    const error = await failure(
      loadDataset({
        dataset: fx.descriptor('abort', [mirror]),
        platform: fx.platformWith(),
        signal: controller.signal,
        timeoutMs: 600_000,
        onProgress: (p) => {
          if (p.phase === 'download' && p.loaded > 0) started.add(p.file);
          if (started.size === 2) controller.abort();
        },
      }),
    );
    expect(error.code).toBe('ABORTED');
    expect(fx.server.requests('/abort/train-images.gz')).toBe(1);
  });

  it('works with the main entry, browserPlatform and memoryCache', async () => {
    const ds = fx.served('browserish');
    const cache = memoryCache();
    const platform = main.browserPlatform({ cache });
    const first = await main.loadDataset({ dataset: ds, split: 'test', platform, ...fx.fast });
    fx.expectSplit(first, fx.test);
    const second = await main.loadDataset({ dataset: ds, split: 'test', platform, ...fx.fast });
    fx.expectSplit(second, fx.test);
    expect(fx.server.requests('/browserish/test-images.gz')).toBe(1);
    expect(await cache.get('browserish/test-images.gz')).toEqual(fx.test.imagesIdxGz);
  });
});
