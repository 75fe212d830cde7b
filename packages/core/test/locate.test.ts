// Which data directory applies (resolveDataDir, platform-neutral) and where each file is (locateDatasetFiles, Node): data dir .gz or unpacked, the cache, or missing.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  datasetDirEnv,
  localFileNames,
  locateDatasetFiles,
  mnist,
  resolveDataDir,
} from '@fmnist/core/node';
import { realDataDir } from '@fmnist/test-utils';
import { describe, expect, it } from 'vitest';
import { descriptor, test, tmp, train, useServerAndTmp } from './loadFixtures.ts';

useServerAndTmp();

describe('resolveDataDir', () => {
  const fashion = { id: 'fashion-mnist' };

  it('prefers the dataDir option, even over the environment and even when empty', () => {
    const env = { FMNIST_DATA_DIR: '/env' };
    expect(resolveDataDir(fashion, { dataDir: '/opt', env })).toEqual({
      dir: '/opt',
      from: 'dataDir',
      strict: true,
    });
    expect(resolveDataDir(fashion, { dataDir: '', env })?.dir).toBe('');
  });

  it("uses the dataset's own variable strictly, FMNIST_DATA_DIR as a loose fallback", () => {
    expect(datasetDirEnv('mnist')).toBe('FMNIST_MNIST_DIR');
    expect(resolveDataDir(fashion, { env: { FMNIST_DATA_DIR: '/f' } })).toEqual({
      dir: '/f',
      from: 'FMNIST_DATA_DIR',
      strict: true,
    });
    const both = { FMNIST_MNIST_DIR: '/m', FMNIST_DATA_DIR: '/f' };
    expect(resolveDataDir(mnist, { env: both })).toEqual({
      dir: '/m',
      from: 'FMNIST_MNIST_DIR',
      strict: true,
    });
    expect(resolveDataDir(mnist, { env: { FMNIST_DATA_DIR: '/f' } })).toEqual({
      dir: '/f',
      from: 'FMNIST_DATA_DIR',
      strict: false,
    });
    // A lookup function works like a record; empty variables count as unset.
    const env = (name: string) => ({ FMNIST_K_MNIST_DIR: '/k', FMNIST_DATA_DIR: '' })[name];
    expect(resolveDataDir({ id: 'k-mnist' }, { env })?.from).toBe('FMNIST_K_MNIST_DIR');
    expect(resolveDataDir(fashion, { env })).toBeUndefined();
    expect(resolveDataDir(fashion)).toBeUndefined();
  });

  it('lists the published name before the unpacked one', () => {
    expect(localFileNames({ name: 'a-idx1-ubyte.gz' })).toEqual([
      'a-idx1-ubyte.gz',
      'a-idx1-ubyte',
    ]);
    expect(localFileNames({ name: 'raw.idx' })).toEqual(['raw.idx']);
    expect(localFileNames({ name: '.gz' })).toEqual(['.gz']);
  });
});

describe('locateDatasetFiles', () => {
  it('finds .gz and unpacked files in a strict data dir, then the cache, else missing', async () => {
    const data = path.join(tmp, 'data');
    const cache = path.join(tmp, 'cache');
    await mkdir(data);
    await mkdir(path.join(cache, 'loc'), { recursive: true });
    await writeFile(path.join(data, 'train-images.gz'), train.imagesIdxGz);
    await writeFile(path.join(data, 'train-labels'), train.labelsIdx);
    await writeFile(path.join(cache, 'loc', 'test-images.gz'), test.imagesIdxGz);
    const found = await locateDatasetFiles({
      dataset: descriptor('loc'),
      dataDir: data,
      cacheDir: cache,
      env: {},
    });
    expect(found.dataDir).toEqual({
      dir: data,
      from: 'dataDir',
      strict: true,
      status: 'directory',
    });
    expect(found.cacheDir).toBe(cache);
    expect(found.files.map((f) => [f.file.name, f.origin, f.path])).toEqual([
      ['train-images.gz', 'data-dir', path.join(data, 'train-images.gz')],
      ['train-labels.gz', 'data-dir', path.join(data, 'train-labels')],
      ['test-images.gz', 'cache', path.join(cache, 'loc', 'test-images.gz')],
      ['test-labels.gz', 'missing', undefined],
    ]);
    expect(found.files[3].looked).toEqual([
      path.join(data, 'test-labels.gz'),
      path.join(data, 'test-labels'),
      path.join(cache, 'loc', 'test-labels.gz'),
    ]);
    // A strict directory's files are taken as they are (loading verifies them).
    await writeFile(path.join(data, 'test-labels.gz'), train.labelsIdxGz);
    const strict = await locateDatasetFiles({
      dataset: descriptor('loc'),
      split: 'test',
      dataDir: data,
      cacheDir: false,
      env: {},
    });
    expect(strict.cacheDir).toBeUndefined();
    expect(strict.files.map((f) => [f.origin, f.rejected])).toEqual([
      ['missing', []],
      ['data-dir', []],
    ]);
  });

  it('uses FMNIST_DATA_DIR for another dataset only for files with its checksums', async () => {
    const shared = path.join(tmp, 'shared');
    await mkdir(shared);
    // Someone else's file under the name, and the right one unpacked.
    await writeFile(path.join(shared, 'test-images.gz'), train.imagesIdxGz);
    await writeFile(path.join(shared, 'test-labels'), test.labelsIdx);
    const found = await locateDatasetFiles({
      dataset: descriptor('loose'),
      split: 'test',
      cacheDir: path.join(tmp, 'no-cache'),
      env: { FMNIST_DATA_DIR: shared },
    });
    expect(found.dataDir).toMatchObject({ from: 'FMNIST_DATA_DIR', strict: false });
    expect(found.files.map((f) => [f.origin, f.path, f.rejected])).toEqual([
      ['missing', undefined, [path.join(shared, 'test-images.gz')]],
      ['data-dir', path.join(shared, 'test-labels'), []],
    ]);
  });

  it('reports a named data directory that is missing or not a directory', async () => {
    const missing = await locateDatasetFiles({
      dataDir: path.join(tmp, 'nope'),
      cacheDir: false,
      env: {},
    });
    expect(missing.dataDir?.status).toBe('missing');
    expect(missing.files.every((f) => f.origin === 'missing')).toBe(true);
    const file = path.join(tmp, 'file');
    await writeFile(file, 'x');
    const notDir = await locateDatasetFiles({ dataDir: file, cacheDir: false, env: {} });
    expect(notDir.dataDir?.status).toBe('not-a-directory');
  });

  it('reads the cache directory from the environment it is given', async () => {
    const found = await locateDatasetFiles({ env: { FMNIST_CACHE_DIR: tmp } });
    expect(found.dataDir).toBeUndefined();
    expect(found.cacheDir).toBe(tmp);
    expect(found.files[0].looked).toEqual([
      path.join(tmp, 'fashion-mnist', 'train-images-idx3-ubyte.gz'),
    ]);
  });

  it('tells real MNIST files in FMNIST_DATA_DIR apart from Fashion-MNIST ones', async () => {
    const fashionDir = realDataDir();
    const asMnist = await locateDatasetFiles({
      dataset: 'mnist',
      split: 'test',
      cacheDir: false,
      env: { FMNIST_DATA_DIR: fashionDir },
    });
    expect(asMnist.files.map((f) => f.origin)).toEqual(['missing', 'missing']);
    expect(asMnist.files[0].rejected).toEqual([path.join(fashionDir, 't10k-images-idx3-ubyte.gz')]);
    const mnistDir = realDataDir('mnist');
    const own = await locateDatasetFiles({
      dataset: 'mnist',
      split: 'test',
      cacheDir: false,
      env: { FMNIST_DATA_DIR: fashionDir, FMNIST_MNIST_DIR: mnistDir },
    });
    expect(own.dataDir).toMatchObject({ dir: mnistDir, from: 'FMNIST_MNIST_DIR', strict: true });
    expect(own.files.map((f) => f.path)).toEqual([
      path.join(mnistDir, 't10k-images-idx3-ubyte.gz'),
      path.join(mnistDir, 't10k-labels-idx1-ubyte.gz'),
    ]);
  });
});
