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
import * as fx from './loadFixtures.ts';

fx.useServerAndTmp();

const requestsOf = (folder: string) =>
  ['train-images', 'train-labels', 'test-images', 'test-labels'].map((n) =>
    fx.server.requests(`/${folder}/${n}.gz`),
  );

describe('loadDataset with a list of splits', () => {
  it('loads { train, test } in one call, every file once, concurrently', async () => {
    const ds = fx.served('both');
    let inFlight = 0;
    let most = 0;
    const platform = fx.platformWith();
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
      ...fx.fast,
    });
    fx.expectSplit(tr, fx.train);
    fx.expectSplit(te, fx.test);
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
    const ds = fx.served('parts');
    const parts = await loadDataset({
      dataset: ds,
      split: ['train[:80%]', 'train[80%:]'],
      platform: fx.platformWith(),
      ...fx.fast,
    });
    expect(parts['train[:80%]'].count).toBe(24);
    expect(parts['train[80%:]'].count).toBe(6);
    expect(parts['train[80%:]'].labels).toEqual(fx.train.labels.subarray(24));
    expect(requestsOf('parts')).toEqual([1, 1, 0, 0]);
  });

  it('refuses an empty list before any request', async () => {
    const ds = fx.served('empty');
    const error = await failure(
      loadDataset({ dataset: ds, split: [], platform: fx.platformWith() }),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(requestsOf('empty')).toEqual([0, 0, 0, 0]);
  });
});

describe('loadDataset with a split string', () => {
  it('loads only the splits a string reads, with tfds boundaries', async () => {
    const head = await fx.loadServed('pct', 'test[:10%]');
    // 10 % of 20 is 2.
    expect(head.count).toBe(2);
    expect(head.images).toEqual(fx.test.images.subarray(0, 2 * 8 * 6));
    expect(requestsOf('pct')).toEqual([0, 0, 1, 1]);
  });

  it("concatenates 'train+test' in order, as applySplitSpec does", async () => {
    const ds = fx.served('plus');
    const platform = fx.platformWith();
    const all = await loadDataset({ dataset: ds, split: 'train+test', platform, ...fx.fast });
    expect(all.count).toBe(50);
    expect(all.labels).toEqual(new Uint8Array([...fx.train.labels, ...fx.test.labels]));
    const [tr, te] = [
      await loadDataset({ dataset: ds, platform, ...fx.fast }),
      await loadDataset({ dataset: ds, split: 'test', platform, ...fx.fast }),
    ];
    const mixed = await loadDataset({
      dataset: ds,
      split: 'test[-5:]+train[:3]',
      platform,
      ...fx.fast,
    });
    expect(mixed.labels).toEqual(
      applySplitSpec('test[-5:]+train[:3]', { train: tr, test: te }).labels,
    );
    expect(mixed.labels).toEqual(
      new Uint8Array([...subset(te, { start: 15 }).labels, ...fx.train.labels.subarray(0, 3)]),
    );
  });

  it('rejects a bad string or an out-of-range boundary before any I/O, quoting it', async () => {
    const ds = fx.served('bad');
    const cacheDir = path.join(fx.tmp, 'cache');
    for (const split of ['train[:10', 'validation', 'train[10:50%]', 'test[:21]']) {
      const error = await failure(
        loadDataset({ dataset: ds, split, platform: fx.platformWith({}, cacheDir), ...fx.fast }),
      );
      expect(error.code, split).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain(`"${split}"`);
    }
    expect(requestsOf('bad')).toEqual([0, 0, 0, 0]);
  });

  it("keeps plain 'train' and 'test' as zero-copy views on the decoded files", async () => {
    const tr = await fx.loadServed('plain', 'train');
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
    const ds = registerDataset(fx.descriptor('my-set_v2', [fx.serveFixtures(fx.server, 'named')]));
    expect(getDataset('My Set V2')).toBe(ds);
    const split = await loadDataset({
      dataset: 'my_set_v2',
      platform: fx.platformWith(),
      ...fx.fast,
    });
    fx.expectSplit(split, fx.train);
  });
});
