// loadDataset with split strings ('train[:10%]', 'train+test'), lists of splits ({ train, test } in one call) and dataset names as users type them.
import path from 'node:path';
import {
  applySplitSpec,
  getDataset,
  loadDataset,
  loadFashionMnist,
  registerDataset,
  subset,
} from '@fmnist/core/node';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { failure } from './helpers.ts';
import {
  descriptor,
  expectSplit,
  fast,
  platformWith,
  serveFixtures,
  server,
  test,
  tmp,
  train,
  useServerAndTmp,
} from './loadFixtures.ts';

useServerAndTmp();

const requestsOf = (folder: string) =>
  ['train-images', 'train-labels', 'test-images', 'test-labels'].map((n) =>
    server.requests(`/${folder}/${n}.gz`),
  );

describe('loadDataset with a list of splits', () => {
  it('loads { train, test } in one call, every file once, concurrently', async () => {
    const ds = descriptor('both', [serveFixtures(server, 'both')]);
    let inFlight = 0;
    let most = 0;
    const platform = platformWith();
    const fetch: typeof globalThis.fetch = async (...args) => {
      most = Math.max(most, ++inFlight);
      try {
        return await globalThis.fetch(...args);
      } finally {
        inFlight--;
      }
    };
    const { train: tr, test: te } = await loadDataset({
      dataset: ds,
      split: ['train', 'test'],
      platform: { ...platform, fetch },
      ...fast,
    });
    expectSplit(tr, train);
    expectSplit(te, test);
    expect(tr.split).toBe('train');
    expect(te.split).toBe('test');
    expect(requestsOf('both')).toEqual([1, 1, 1, 1]);
    // All four requests were under way together, not one split after the other.
    expect(most).toBe(4);
  });

  it('is typed by the strings given, and keeps single-split calls typed as before', () => {
    // Checked by tsc (the test files are type-checked); never called, so nothing is loaded.
    const typed = () => {
      expectTypeOf(loadDataset({ split: ['train', 'test'] })).resolves.toHaveProperty('train');
      expectTypeOf(loadDataset({ split: ['train', 'test'] })).resolves.toHaveProperty('test');
      expectTypeOf(loadDataset({ split: 'test' })).resolves.toHaveProperty('images');
      expectTypeOf(loadFashionMnist()).resolves.toHaveProperty('count');
      expectTypeOf(loadFashionMnist({ split: ['train'] })).resolves.toHaveProperty('train');
      // @ts-expect-error: only the strings asked for are keys.
      expectTypeOf(loadFashionMnist({ split: ['train'] })).resolves.toHaveProperty('test');
    };
    expect(typeof typed).toBe('function');
  });

  it('reads each file once for several split strings over the same split', async () => {
    const ds = descriptor('parts', [serveFixtures(server, 'parts')]);
    const parts = await loadDataset({
      dataset: ds,
      split: ['train[:80%]', 'train[80%:]'],
      platform: platformWith(),
      ...fast,
    });
    expect(parts['train[:80%]'].count).toBe(24);
    expect(parts['train[80%:]'].count).toBe(6);
    expect(parts['train[80%:]'].labels).toEqual(train.labels.subarray(24));
    expect(requestsOf('parts')).toEqual([1, 1, 0, 0]);
  });

  it('refuses an empty list before any request', async () => {
    const ds = descriptor('empty', [serveFixtures(server, 'empty')]);
    const error = await failure(loadDataset({ dataset: ds, split: [], platform: platformWith() }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(requestsOf('empty')).toEqual([0, 0, 0, 0]);
  });
});

describe('loadDataset with a split string', () => {
  it('loads only the splits a string reads, with tfds boundaries', async () => {
    const ds = descriptor('pct', [serveFixtures(server, 'pct')]);
    const head = await loadDataset({
      dataset: ds,
      split: 'test[:10%]',
      platform: platformWith(),
      ...fast,
    });
    // 10 % of 20 is 2.
    expect(head.count).toBe(2);
    expect(head.images).toEqual(test.images.subarray(0, 2 * 8 * 6));
    expect(requestsOf('pct')).toEqual([0, 0, 1, 1]);
  });

  it("concatenates 'train+test' in order, as applySplitSpec does", async () => {
    const ds = descriptor('plus', [serveFixtures(server, 'plus')]);
    const platform = platformWith();
    const all = await loadDataset({ dataset: ds, split: 'train+test', platform, ...fast });
    expect(all.count).toBe(50);
    expect(all.labels).toEqual(new Uint8Array([...train.labels, ...test.labels]));
    const [tr, te] = [
      await loadDataset({ dataset: ds, platform, ...fast }),
      await loadDataset({ dataset: ds, split: 'test', platform, ...fast }),
    ];
    const mixed = await loadDataset({
      dataset: ds,
      split: 'test[-5:]+train[:3]',
      platform,
      ...fast,
    });
    expect(mixed.labels).toEqual(
      applySplitSpec('test[-5:]+train[:3]', { train: tr, test: te }).labels,
    );
    expect(mixed.labels).toEqual(
      new Uint8Array([...subset(te, { start: 15 }).labels, ...train.labels.subarray(0, 3)]),
    );
  });

  it('rejects a bad string or an out-of-range boundary before any I/O, quoting it', async () => {
    const ds = descriptor('bad', [serveFixtures(server, 'bad')]);
    const cacheDir = path.join(tmp, 'cache');
    for (const split of ['train[:10', 'validation', 'train[10:50%]', 'test[:21]']) {
      const error = await failure(
        loadDataset({ dataset: ds, split, platform: platformWith({}, cacheDir), ...fast }),
      );
      expect(error.code, split).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain(`"${split}"`);
    }
    expect(requestsOf('bad')).toEqual([0, 0, 0, 0]);
  });

  it("keeps plain 'train' and 'test' as zero-copy views on the decoded files", async () => {
    const ds = descriptor('plain', [serveFixtures(server, 'plain')]);
    const tr = await loadDataset({
      dataset: ds,
      split: 'train',
      platform: platformWith(),
      ...fast,
    });
    // The images view starts after the 16-byte IDX header of the inflated file.
    expect(tr.images.byteOffset).toBe(16);
  });
});

describe('dataset names as users type them', () => {
  it('resolves fashion_mnist, Fashion-MNIST, fashionmnist and MNIST', () => {
    for (const name of ['fashion_mnist', 'Fashion-MNIST', 'fashionmnist', 'FashionMNIST']) {
      expect(getDataset(name).id).toBe('fashion-mnist');
    }
    expect(getDataset('MNIST').id).toBe('mnist');
  });

  it('suggests the nearest id for an unknown name', async () => {
    const error = await failure(loadDataset({ dataset: 'fashon-mnist' }));
    expect(error.code).toBe('UNKNOWN_DATASET');
    expect(error.message).toContain('Did you mean "fashion-mnist"?');
  });

  it('finds a registered dataset by its loose name too', async () => {
    const ds = registerDataset(descriptor('my-set_v2', [serveFixtures(server, 'named')]));
    expect(getDataset('My Set V2')).toBe(ds);
    const split = await loadDataset({ dataset: 'my_set_v2', platform: platformWith(), ...fast });
    expectSplit(split, train);
  });
});
