// loadDataset's local-directory source: .gz and unpacked files, strict directories from dataDir
// or FMNIST_<ID>_DIR, the checked FMNIST_DATA_DIR fallback, and real MNIST files under
// Fashion-MNIST names.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  browserPlatform,
  datasetDirEnv,
  fashionMnist,
  loadDataset,
  loadFashionMnist,
  mnist,
} from '@fmnist/core/node';
import { realDataFile } from '@fmnist/test-utils';
import { describe, expect, it } from 'vitest';
import { failure } from './helpers.ts';
import * as fx from './loadFixtures.ts';

fx.useServerAndTmp();

describe('loadDataset from a local directory', () => {
  it('loads .gz files, as zero-copy views of the decoded IDX bodies', async () => {
    for (const [name, bytes] of [
      ['train-images.gz', fx.train.imagesIdxGz],
      ['train-labels.gz', fx.train.labelsIdxGz],
    ] as const) {
      await writeFile(path.join(fx.tmp, name), bytes);
    }
    const split = await loadDataset({
      dataset: fx.descriptor('local-gz'),
      dataDir: fx.tmp,
      platform: fx.platformWith(),
    });
    fx.expectSplit(split, fx.train);
    expect(split).toMatchObject({ dataset: 'local-gz', split: 'train' });
    // A view behind the 16-byte IDX header, on a buffer holding exactly the decoded file.
    expect(split.images.byteOffset).toBe(16);
    expect(split.images.buffer.byteLength).toBe(fx.train.imagesIdx.length);
  });

  it('loads already-unpacked files (name without .gz), checked against rawSha256', async () => {
    await writeFile(path.join(fx.tmp, 'test-images'), fx.test.imagesIdx);
    await writeFile(path.join(fx.tmp, 'test-labels'), fx.test.labelsIdx);
    const split = await loadDataset({
      dataset: fx.descriptor('local-raw'),
      split: 'test',
      dataDir: fx.tmp,
      platform: fx.platformWith(),
    });
    fx.expectSplit(split, fx.test);

    await writeFile(path.join(fx.tmp, 'test-labels'), fx.train.labelsIdx.subarray(0, 28));
    const error = await failure(
      loadDataset({
        dataset: fx.descriptor('local-raw'),
        split: 'test',
        dataDir: fx.tmp,
        platform: fx.platformWith(),
      }),
    );
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(error.message).toContain(path.join(fx.tmp, 'test-labels'));
    expect(error.message).toContain(fx.descriptor('x').files.testLabels.rawSha256);
  });

  it('requires an explicit directory to hold the files: NOT_FOUND naming dir and file', async () => {
    const error = await failure(
      loadDataset({
        dataset: fx.descriptor('local-missing', [fx.serveFixtures(fx.server, 'never')]),
        dataDir: fx.tmp,
        platform: fx.platformWith(),
      }),
    );
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain(fx.tmp);
    expect(error.message).toMatch(/train-(images|labels)\.gz/);
    expect(fx.server.requests('/never/train-images.gz')).toBe(0);
  });

  it('rejects real MNIST files in a Fashion-MNIST directory', async () => {
    // Real MNIST labels saved under the Fashion-MNIST name, as a user reported.
    await writeFile(
      path.join(fx.tmp, 't10k-labels-idx1-ubyte.gz'),
      await readFile(realDataFile('t10k-labels-idx1-ubyte.gz', 'mnist')),
    );
    await writeFile(
      path.join(fx.tmp, 't10k-images-idx3-ubyte.gz'),
      await readFile(realDataFile('t10k-images-idx3-ubyte.gz')),
    );
    const error = await failure(
      loadFashionMnist({ split: 'test', dataDir: fx.tmp, platform: fx.platformWith() }),
    );
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(error.message).toContain('t10k-labels-idx1-ubyte.gz');
    expect(error.message).toContain(fashionMnist.files.testLabels.sha256);
    expect(error.message).toContain(mnist.files.testLabels.sha256);
  });

  it('takes the directory from the environment: FMNIST_<ID>_DIR strictly, FMNIST_DATA_DIR only when it matches', async () => {
    expect(datasetDirEnv('mnist')).toBe('FMNIST_MNIST_DIR');
    expect(datasetDirEnv('k-mnist.v2')).toBe('FMNIST_K_MNIST_V2_DIR');
    const own = path.join(fx.tmp, 'own');
    const shared = path.join(fx.tmp, 'shared');
    await rm(own, { recursive: true, force: true });
    for (const dir of [own, shared]) {
      await mkdir(dir, { recursive: true });
    }
    await writeFile(path.join(own, 'test-images.gz'), fx.test.imagesIdxGz);
    await writeFile(path.join(own, 'test-labels.gz'), fx.test.labelsIdxGz);
    const ds = fx.descriptor('env-ds', [fx.serveFixtures(fx.server, 'env')]);
    const viaOwn = await loadDataset({
      dataset: ds,
      split: 'test',
      platform: fx.platformWith({ FMNIST_ENV_DS_DIR: own, FMNIST_DATA_DIR: shared }),
      ...fx.fast,
    });
    fx.expectSplit(viaOwn, fx.test);
    expect(fx.server.requests('/env/test-images.gz')).toBe(0);

    // The shared dir holds someone else's files (wrong checksums): ignored, files downloaded.
    await writeFile(path.join(shared, 'test-images.gz'), fx.train.imagesIdxGz);
    await writeFile(path.join(shared, 'test-labels.gz'), fx.train.labelsIdxGz);
    const viaShared = await loadDataset({
      dataset: ds,
      split: 'test',
      platform: fx.platformWith({ FMNIST_DATA_DIR: shared }),
      ...fx.fast,
    });
    fx.expectSplit(viaShared, fx.test);
    expect(fx.server.requests('/env/test-images.gz')).toBe(1);
    expect(fx.server.requests('/env/test-labels.gz')).toBe(1);

    // An explicit own env dir is strict, like dataDir.
    const error = await failure(
      loadDataset({
        dataset: ds,
        split: 'test',
        platform: fx.platformWith({ FMNIST_ENV_DS_DIR: shared }),
      }),
    );
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(error.message).toContain('FMNIST_ENV_DS_DIR');
  });

  it('uses FMNIST_DATA_DIR for Fashion-MNIST (real files)', async () => {
    const dir = path.dirname(realDataFile('t10k-labels-idx1-ubyte.gz'));
    const split = await loadFashionMnist({
      split: 'test',
      platform: fx.platformWith({ FMNIST_DATA_DIR: dir }),
    });
    expect(split.count).toBe(10000);
    expect(Array.from(split.labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  });

  it('refuses a data directory on a platform that cannot read files', async () => {
    const error = await failure(
      loadDataset({
        dataset: fx.descriptor('no-fs'),
        dataDir: fx.tmp,
        platform: browserPlatform(),
      }),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('@fmnist/core/node');
  });
});
