// Verification by content: the published .gz, a .gz re-compressed with other settings, an already inflated file (unpacked by the user, or by fetch for a gzip-encoded response), uppercase hex, and messages that say which check failed.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  type DatasetFile,
  expectedChecksum,
  fsCache,
  type LoadProgress,
  loadDataset,
  nodeGunzip,
  nodeSha256,
  verifyFile,
} from '@fmnist/core/node';
import { describe, expect, it } from 'vitest';
import { failure, sha256 } from './helpers.ts';
import {
  descriptor,
  expectSplit,
  fast,
  platformWith,
  server,
  tmp,
  train,
  useServerAndTmp,
} from './loadFixtures.ts';

useServerAndTmp();

const platform = { sha256: nodeSha256, gunzip: nodeGunzip };
const file = descriptor('forms').files.trainImages;
const level1 = gzipSync(train.imagesIdx, { level: 1 });
const level9 = gzipSync(train.imagesIdx, { level: 9 });

describe('verifyFile by content', () => {
  it('accepts the published .gz, a re-gzipped one (level 1 and 9) and the raw IDX', async () => {
    expect(sha256(level1)).not.toBe(file.sha256);
    expect(await verifyFile(file, train.imagesIdxGz, platform, 'x')).toBe('published');
    expect(await verifyFile(file, level1, platform, 'x')).toBe('recompressed');
    expect(await verifyFile(file, level9, platform, 'x')).toBe('recompressed');
    expect(await verifyFile(file, train.imagesIdx, platform, 'x')).toBe('inflated');
  });

  it('says which check failed: compressed and inflated, or the inflated one', async () => {
    const other = gzipSync(train.labelsIdx, { level: 1 });
    const both = await failure(verifyFile(file, other, platform, 'src'));
    expect(both.code).toBe('CHECKSUM_MISMATCH');
    expect(both.details.check).toBe('sha256+rawSha256');
    expect(both.message).toContain(file.sha256);
    expect(both.message).toContain(file.rawSha256);
    expect(both.message).toContain('both the compressed and the inflated check failed');

    const raw = await failure(verifyFile(file, train.labelsIdx, platform, 'src'));
    expect(raw.message).toContain(file.rawSha256);
    expect(raw.message).toContain('not gzip');

    // A bomb-like gzip that inflates past rawBytes stops at rawBytes.
    const big = gzipSync(new Uint8Array(train.imagesIdx.length * 4));
    const bomb = await failure(verifyFile(file, big, platform, 'src'));
    expect(bomb.message).toContain('does not inflate to the data of rawSha256');
  });

  it('refuses an inflated copy when only the published sha256 is known', async () => {
    const { rawSha256: _r, rawBytes: _b, ...published } = file;
    const error = await failure(
      verifyFile(published as DatasetFile, train.imagesIdx, platform, 's'),
    );
    expect(error.code).toBe('CHECKSUM_MISMATCH');
  });

  it('compares hex in lowercase: an uppercase descriptor passes', async () => {
    const upper = {
      ...file,
      sha256: file.sha256!.toUpperCase(),
      rawSha256: file.rawSha256!.toUpperCase(),
    };
    expect(await verifyFile(upper, train.imagesIdxGz, platform, 'x')).toBe('published');
    expect(await verifyFile(upper, level1, platform, 'x')).toBe('recompressed');
    expect(expectedChecksum(upper, train.imagesIdxGz).sha256).toBe(file.sha256);
  });
});

describe('every source accepts the other forms', () => {
  it('a data directory with re-gzipped files', async () => {
    await writeFile(path.join(tmp, 'train-images.gz'), level9);
    await writeFile(path.join(tmp, 'train-labels.gz'), gzipSync(train.labelsIdx, { level: 1 }));
    const split = await loadDataset({
      dataset: descriptor('forms-dir'),
      dataDir: tmp,
      platform: platformWith(),
    });
    expectSplit(split, train);
  });

  it('the cache, with a re-gzipped entry', async () => {
    const cacheDir = path.join(tmp, 'cache');
    await mkdir(path.join(cacheDir, 'forms-cache'), { recursive: true });
    await writeFile(path.join(cacheDir, 'forms-cache', 'train-images.gz'), level1);
    await writeFile(path.join(cacheDir, 'forms-cache', 'train-labels.gz'), train.labelsIdx);
    const split = await loadDataset({
      dataset: descriptor('forms-cache'),
      cache: fsCache(cacheDir),
      platform: platformWith(),
    });
    expectSplit(split, train);
  });

  it('a mirror that sends Content-Encoding: gzip (fetch inflates it): verified as inflated', async () => {
    const mirror = server.mirror('encoded', {
      'train-images.gz': {
        kind: 'bytes',
        body: train.imagesIdxGz,
        headers: { 'content-encoding': 'gzip' },
      },
      'train-labels.gz': {
        kind: 'bytes',
        body: train.labelsIdxGz,
        headers: { 'content-encoding': 'gzip' },
      },
    });
    const events: LoadProgress[] = [];
    const split = await loadDataset({
      ...fast,
      dataset: descriptor('forms-encoded'),
      mirrors: [mirror],
      cache: false,
      platform: platformWith(),
      onProgress: (p) => events.push(p),
    });
    expectSplit(split, train);
    const verified = events.filter((e) => e.phase === 'verify' && e.loaded > 0);
    expect(verified.map((e) => (e as { form?: string }).form)).toEqual(['inflated', 'inflated']);
  });
});
