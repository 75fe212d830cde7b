// The DOWNLOAD_FAILED of a load that no source could serve: it names the data directory and its variable, skipped files, the cache and each mirror once, and says what to do.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type ByteCache, loadDataset, memoryCache } from '@fmnist/core/node';
import { describe, expect, it } from 'vitest';
import { failure } from './helpers.ts';
import {
  descriptor,
  fast,
  platformWith,
  server,
  test,
  tmp,
  useServerAndTmp,
} from './loadFixtures.ts';

useServerAndTmp();

/** A memory cache that names its entries like a folder would, for the message. */
function locatedCache(): ByteCache {
  return { ...memoryCache(), location: (key) => `/caches/${key}` };
}

describe('a load that no source can serve', () => {
  it('lists the data directory variable, the cache path and each mirror once, and what to do', async () => {
    const a = server.mirror('offline-500', {
      'train-images.gz': { kind: 'status', status: 500 },
      'train-labels.gz': { kind: 'status', status: 500 },
    });
    const b = server.mirror('offline-404', {});
    const error = await failure(
      loadDataset({
        dataset: descriptor('offline', [a, b]),
        platform: platformWith(),
        cache: locatedCache(),
        ...fast,
        retries: 2,
      }),
    );
    expect(error.code).toBe('DOWNLOAD_FAILED');
    const [first, ...rest] = error.message.split('\n');
    expect(first).toContain('FMNIST_OFFLINE_DIR=/path/to/files');
    expect(first).toContain('fmnist download --dataset offline --from DIR');
    const file = error.details.file as string;
    expect(rest).toEqual([
      '  - no data directory: neither the dataDir option nor FMNIST_OFFLINE_DIR is set',
      `  - the cache /caches/offline/${file}: not there`,
      expect.stringMatching(new RegExp(`^  - ${a}${file}: .*HTTP 500.*\\(3 attempts\\)$`)),
      expect.stringMatching(new RegExp(`^  - ${b}${file}: .*HTTP 404`)),
    ]);
    const sources = error.details.sources as { kind: string }[];
    expect(sources.map((s) => s.kind)).toEqual(['data-dir', 'cache', 'mirror', 'mirror']);
    // The download's own record stays: every attempt, and the last error as cause.
    expect((error.details.attempts as unknown[]).length).toBe(4);
    expect(error.cause).toMatchObject({ code: 'DOWNLOAD_FAILED' });
  });

  it('says when files in FMNIST_DATA_DIR were skipped for another dataset', async () => {
    // FMNIST_DATA_DIR holds a file under this dataset's name with other bytes (as Fashion-MNIST's
    // folder does for MNIST): the non-strict fallback skips it, and the message says so.
    await writeFile(path.join(tmp, 'train-images.gz'), test.imagesIdxGz);
    await writeFile(path.join(tmp, 'train-labels.gz'), test.labelsIdxGz);
    const error = await failure(
      loadDataset({
        dataset: descriptor('digits', [server.mirror('digits-404', {})]),
        platform: platformWith({ FMNIST_DATA_DIR: tmp }),
        cache: false,
        ...fast,
      }),
    );
    expect(error.code).toBe('DOWNLOAD_FAILED');
    const name = error.details.file as string;
    expect(error.message).toContain(
      `${tmp} (from FMNIST_DATA_DIR): skipped ${path.join(tmp, name)}: not fixture digits's file`,
    );
    expect(error.message).toContain("FMNIST_DATA_DIR is Fashion-MNIST's folder");
    expect(error.message).toContain('FMNIST_DIGITS_DIR');
  });
});
