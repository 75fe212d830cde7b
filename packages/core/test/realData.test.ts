// The real files, from ../shared (or FMNIST_DATA_DIR / FMNIST_MNIST_DIR). realDataDir() throws
// when they are missing, so this suite fails loudly instead of passing without data.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  type DatasetFile,
  decodeIdx,
  fashionMnist,
  loadDataset,
  mnist,
  serializeIdx,
} from '@fmnist/core/node';
import { realDataDir } from '@fmnist/test-utils';
import { describe, expect, it } from 'vitest';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function pixelStats(images: Uint8Array) {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < images.length; i++) {
    const v = images[i];
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / images.length / 255;
  return { mean, std: Math.sqrt(sumSq / images.length / 65025 - mean * mean) };
}

function perClass(labels: Uint8Array) {
  const counts = new Array<number>(10).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}

for (const descriptor of [fashionMnist, mnist]) {
  const id = descriptor.id as 'fashion-mnist' | 'mnist';
  describe(`real ${descriptor.title} files`, () => {
    const dir = realDataDir(id);
    const files = Object.values(descriptor.files) as DatasetFile[];

    it.each(files.map((f) => [f.name, f] as const))(
      '%s matches its size and sha256, packed and unpacked',
      async (_name, file) => {
        const gz = readFileSync(path.join(dir, file.name));
        expect(gz.length).toBe(file.bytes);
        expect(sha256(gz)).toBe(file.sha256);
        const raw = gunzipSync(gz);
        expect(raw.length).toBe(file.rawBytes);
        expect(sha256(raw)).toBe(file.rawSha256);
        // The codec reproduces the official IDX bytes exactly.
        expect(sha256(serializeIdx(await decodeIdx(gz)))).toBe(file.rawSha256);
      },
    );

    it('loads 60,000 train and 10,000 test images with matching labels', async () => {
      const train = await loadDataset({ dataset: id, split: 'train', dataDir: dir, cache: false });
      const test = await loadDataset({ dataset: id, split: 'test', dataDir: dir, cache: false });
      expect([train.count, train.images.length, train.labels.length]).toEqual([
        60000,
        60000 * 784,
        60000,
      ]);
      expect([test.count, test.images.length, test.labels.length]).toEqual([
        10000,
        10000 * 784,
        10000,
      ]);
      expect(train.imageShape).toEqual([28, 28]);
      expect(train.classNames).toEqual(descriptor.classNames);
      if (id === 'fashion-mnist') {
        expect(perClass(train.labels)).toEqual(new Array(10).fill(6000));
        expect(perClass(test.labels)).toEqual(new Array(10).fill(1000));
        expect(Array.from(train.labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
        expect(Array.from(test.labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
      } else {
        expect(perClass(train.labels).reduce((a, b) => a + b)).toBe(60000);
        expect(Array.from(train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
        expect(Array.from(test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
      }
      const stats = pixelStats(train.images);
      expect(stats.mean).toBeCloseTo(descriptor.mean!, 6);
      expect(stats.std).toBeCloseTo(descriptor.std!, 6);
      if (id === 'fashion-mnist') {
        expect(stats.mean).toBeCloseTo(0.286, 3);
        expect(stats.std).toBeCloseTo(0.353, 3);
      }
    });
  });
}

describe('the drop-in claim', () => {
  it('rejects MNIST bytes under Fashion-MNIST names, naming file and checksums', async () => {
    const error = await loadDataset({
      dataset: 'fashion-mnist',
      split: 'test',
      dataDir: realDataDir('mnist'),
      cache: false,
    }).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe('CHECKSUM_MISMATCH');
    const named = error?.message.match(/t10k-(images|labels)-idx[13]-ubyte\.gz/)?.[0];
    const file = [fashionMnist.files.testImages, fashionMnist.files.testLabels].find(
      (f) => f.name === named,
    );
    const actual = [mnist.files.testImages, mnist.files.testLabels].find((f) => f.name === named);
    expect(file, `message names a test file: ${error?.message}`).toBeDefined();
    expect(error?.message).toContain(file!.sha256);
    expect(error?.message).toContain(actual!.sha256);
  });
});
