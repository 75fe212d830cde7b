// Hostile descriptors and options: typed INVALID_ARGUMENT naming the field or option, ids that would share an environment variable, and a cache that never lands in the current directory.
import os from 'node:os';
import path from 'node:path';
import {
  batches,
  type DatasetDescriptor,
  defaultCacheDir,
  downloadFile,
  fsCache,
  loadDataset,
  mnist,
  registerDataset,
} from '@fmnist/core/node';
import { describe, expect, it, vi } from 'vitest';
import { failure } from './helpers.ts';
import { descriptor, platformWith } from './loadFixtures.ts';

function thrown(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    return error as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('expected a throw');
}

const withFile = (d: DatasetDescriptor, patch: Record<string, unknown>): DatasetDescriptor => ({
  ...d,
  files: { ...d.files, trainImages: { ...d.files.trainImages, ...patch } },
});

describe('descriptor checks', () => {
  const base = descriptor('checks');

  it('refuses a sha256 or rawSha256 that is not 64 hex digits, everywhere', async () => {
    for (const [field, value] of [
      ['sha256', ''],
      ['sha256', 42],
      ['sha256', 'abc'],
      ['sha256', 'z'.repeat(64)],
      ['rawSha256', '0'.repeat(63)],
    ] as const) {
      const bad = withFile(base, { [field]: value });
      const error = thrown(() => registerDataset(bad));
      expect(error.code, `${field} ${value}`).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain(`files.trainImages.${field} must be 64 hex digits`);
      const loaded = await failure(loadDataset({ dataset: bad, platform: platformWith() }));
      expect(loaded.code).toBe('INVALID_ARGUMENT');
    }
  });

  it('registers uppercase hex as lowercase', () => {
    const upper = withFile(
      { ...base, id: 'checks-upper' },
      { sha256: base.files.trainImages.sha256!.toUpperCase() },
    );
    const registered = registerDataset(upper);
    expect(registered.files.trainImages.sha256).toBe(base.files.trainImages.sha256);
  });

  it('refuses missing files or classNames, and two files with one name', () => {
    const { files: _f, ...noFiles } = base;
    expect(thrown(() => registerDataset(noFiles as DatasetDescriptor)).message).toMatch(
      /files is missing/,
    );
    const { testLabels: _t, ...three } = base.files;
    expect(
      thrown(() => registerDataset({ ...base, files: three } as unknown as DatasetDescriptor))
        .message,
    ).toMatch(/files.testLabels is missing/);
    const { classNames: _c, ...noClasses } = base;
    expect(thrown(() => registerDataset(noClasses as DatasetDescriptor)).message).toMatch(
      /classNames must list 1 to 256 classes/,
    );
    const twin = {
      ...base,
      files: { ...base.files, testImages: { ...base.files.testImages, name: 'train-images.gz' } },
    };
    const error = thrown(() => registerDataset(twin));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/files.trainImages and files.testImages are both named/);
  });

  it('refuses ids that share an environment variable, or take FMNIST_DATA_DIR', () => {
    registerDataset({ ...mnist, id: 'my-set' });
    const twin = thrown(() => registerDataset({ ...mnist, id: 'my_set' }));
    expect(twin.code).toBe('INVALID_ARGUMENT');
    expect(twin.message).toContain('FMNIST_MY_SET_DIR');
    expect(twin.message).toContain('"my-set"');
    // Re-registering the same id is still a replacement, not a clash.
    expect(() => registerDataset({ ...mnist, id: 'my-set' })).not.toThrow();
    for (const id of ['data', 'DATA', 'cache']) {
      const error = thrown(() => registerDataset({ ...mnist, id }));
      expect(error.message).toMatch(/FMNIST_(DATA|CACHE)_DIR, which already means/);
    }
  });
});

describe('option checks', () => {
  const file = descriptor('opts').files.trainImages;

  it('loadDataset and downloadFile refuse a string for mirrors, naming the option', async () => {
    for (const run of [
      () =>
        loadDataset({
          dataset: descriptor('opts'),
          mirrors: 'http://x/' as never,
          cache: false,
          platform: platformWith(),
        }),
      () => downloadFile(file, { mirrors: 'http://x/' as never }),
    ]) {
      const error = await failure(run());
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain('the mirrors option must be a list');
      expect(error.details.option).toBe('mirrors');
    }
  });

  it('refuses non-integer or negative retries and an empty dataDir', async () => {
    for (const retries of [1.5, -1, Number.NaN, '2']) {
      const error = await failure(
        downloadFile(file, { mirrors: ['http://127.0.0.1:9/'], retries: retries as number }),
      );
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.details.option).toBe('retries');
    }
    for (const dataDir of ['', '  ']) {
      const error = await failure(
        loadDataset({ dataset: descriptor('opts'), dataDir, platform: platformWith() }),
      );
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.details.option).toBe('dataDir');
    }
    expect(thrown(() => fsCache('')).code).toBe('INVALID_ARGUMENT');
  });

  it('batches refuses batchSize beyond the split with reuseBuffers, instead of a RangeError', () => {
    const split = {
      images: new Uint8Array(4 * 4),
      labels: new Uint8Array(4),
      count: 4,
      imageShape: [2, 2] as [number, number],
      classNames: ['a', 'b'],
      dataset: 'x',
      split: 'train' as const,
    };
    for (const batchSize of [5, 2 ** 40]) {
      const error = thrown(() => batches(split, { batchSize, reuseBuffers: true }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.details.option).toBe('batchSize');
      expect(error.message).toContain('reuseBuffers');
    }
    // Without reuseBuffers a batch larger than the split is one partial batch, as before.
    expect([...batches(split, { batchSize: 5 })].map((b) => b.size)).toEqual([4]);
    expect(
      thrown(() => batches(split, { batchSize: 2, shuffle: 'yes' as never })).details.option,
    ).toBe('shuffle');
  });
});

describe('defaultCacheDir without a usable HOME', () => {
  it.skipIf(process.platform === 'win32' || process.platform === 'darwin')(
    'never the current directory: the temp directory, with one warning naming FMNIST_CACHE_DIR',
    () => {
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        const uid = process.getuid?.();
        const expected = path.join(os.tmpdir(), `fmnist-cache-${uid}`);
        expect(defaultCacheDir({ HOME: '' })).toBe(expected);
        expect(defaultCacheDir({ HOME: 'relative/home' })).toBe(expected);
        expect(warn).toHaveBeenCalledTimes(1);
        expect(String(warn.mock.calls[0][0])).toContain('FMNIST_CACHE_DIR');
        // Unset: the account's home from the user database, still absolute.
        const unset = defaultCacheDir({});
        expect(unset).toBe(path.join(os.userInfo().homedir, '.cache', 'fmnist'));
        expect(defaultCacheDir({ HOME: '', XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/fmnist');
        expect(defaultCacheDir({ HOME: '', FMNIST_CACHE_DIR: '/c' })).toBe('/c');
      } finally {
        warn.mockRestore();
      }
    },
  );
});
