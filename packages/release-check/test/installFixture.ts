// The install test's data: a tiny fixture written as a registered dataset and under the official names, and the expected summaries computed from the IDX bytes (not from core).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { makeDatasetFiles, realDataFile } from '@fmnist/test-utils';

/** Samples in the tiny fixture. */
export const FIXTURE_COUNT = 50;
/** The tiny fixture (train and test hold the same samples). */
export const fixture = makeDatasetFiles({ count: FIXTURE_COUNT, seed: 11 });
const CLASS_NAMES = Array.from({ length: 10 }, (_, i) => `class-${i}`);

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Samples per class (ten classes). */
export function countLabels(labels: Uint8Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

/** The sum of all pixels scaled to [0, 1]. */
export function pixelSum(images: Uint8Array): number {
  let total = 0;
  for (const value of images) total += value;
  return total / 255;
}

/** Where {@link writeFixtures} put the fixture. */
export interface FixtureDirs {
  /** The descriptor JSON of the registered fixture dataset. */
  descriptorPath: string;
  /** The fixture under its own file names. */
  dir: string;
  /** The fixture under Fashion-MNIST's official file names (for `fmnist verify`). */
  officialNamesDir: string;
}

/** The tiny fixture as a registered dataset (own file names, checksums) and under official names. */
export function writeFixtures(workDir: string): FixtureDirs {
  const dir = path.join(workDir, 'fixture');
  const officialNamesDir = path.join(workDir, 'fixture-official-names');
  mkdirSync(dir, { recursive: true });
  mkdirSync(officialNamesDir, { recursive: true });
  const files = {
    trainImages: [
      'fixture-train-images-idx3-ubyte.gz',
      'train-images-idx3-ubyte.gz',
      fixture.imagesIdxGz,
    ],
    trainLabels: [
      'fixture-train-labels-idx1-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      fixture.labelsIdxGz,
    ],
    testImages: [
      'fixture-t10k-images-idx3-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      fixture.imagesIdxGz,
    ],
    testLabels: [
      'fixture-t10k-labels-idx1-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
      fixture.labelsIdxGz,
    ],
  } as const;
  const descriptorFiles: Record<string, { name: string; bytes: number; sha256: string }> = {};
  for (const [key, [name, officialName, bytes]] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), bytes);
    writeFileSync(path.join(officialNamesDir, officialName), bytes);
    descriptorFiles[key] = { name, bytes: bytes.length, sha256: sha256(bytes) };
  }
  const descriptorPath = path.join(dir, 'descriptor.json');
  writeFileSync(
    descriptorPath,
    JSON.stringify({
      id: 'release-check-fixture',
      title: 'Release check fixture',
      files: descriptorFiles,
      classNames: CLASS_NAMES,
      mirrors: [],
      imageShape: [28, 28],
      counts: { train: FIXTURE_COUNT, test: FIXTURE_COUNT },
    }),
  );
  return { descriptorPath, dir, officialNamesDir };
}

/** Label counts and pixel sum of the real test split, straight from the IDX bytes (header 8 / 16 bytes). */
export function realTestSplitExpected(): { labelCounts: number[]; pixelSum: number } {
  const labels = gunzipSync(readFileSync(realDataFile('t10k-labels-idx1-ubyte.gz'))).subarray(8);
  const images = gunzipSync(readFileSync(realDataFile('t10k-images-idx3-ubyte.gz'))).subarray(16);
  return { labelCounts: countLabels(labels), pixelSum: pixelSum(images) };
}
