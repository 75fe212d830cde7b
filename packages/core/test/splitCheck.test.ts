// The checks on the decoded files of a split (splitCheck.ts) and on the descriptor and options, through loadDataset.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadDataset } from '@fmnist/core/node';
import { gzipBytes, makeIdx, makeLabelsIdx } from '@fmnist/test-utils';
import { describe, expect, it } from 'vitest';
import { failure } from './helpers.ts';
import {
  descriptor,
  fileOf,
  H,
  platformWith,
  tmp,
  train,
  useServerAndTmp,
  W,
} from './loadFixtures.ts';

useServerAndTmp();

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
