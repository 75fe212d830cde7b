// Small synthetic datasets with real checksums, served by the test server in the cases.
import { createHash } from 'node:crypto';
import type { DatasetDescriptor, DatasetFile } from '@fmnist/core';
import { type DatasetFilesFixture, makeDatasetFiles, type TestRoute } from '@fmnist/test-utils';

/** Lowercase hex sha256. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The file names every fixture dataset uses (short on purpose: they are not Fashion-MNIST's). */
export const FIXTURE_NAMES = {
  trainImages: 'train-images.gz',
  trainLabels: 'train-labels.gz',
  testImages: 'test-images.gz',
  testLabels: 'test-labels.gz',
} as const;

/** A dataset descriptor plus the bytes of its files. */
export interface FixtureDataset {
  descriptor: DatasetDescriptor;
  /** Published (gzip) bytes by file name. */
  files: Record<string, Uint8Array>;
  /** The decoded split (train and test hold the same data). */
  split: DatasetFilesFixture;
}

/** Options for {@link fixtureDataset}. */
export interface FixtureOptions {
  /** Images per split. Default 200 (about 150 kB of gzip: big enough to cut or drip). */
  count?: number;
  seed?: number;
  /** Give the files a sha256 (default true). Without it only sizes protect them. */
  withSha256?: boolean;
  /** Give the files rawBytes/rawSha256 (default true). */
  withRaw?: boolean;
  /** Allow plain-http mirrors without checksums (the descriptor's opt-in). */
  allowInsecureMirrors?: boolean;
}

/** A four-file dataset `id` whose train and test splits are the same synthetic split. */
export function fixtureDataset(id: string, options: FixtureOptions = {}): FixtureDataset {
  const { count = 200, seed = 1, withSha256 = true, withRaw = true } = options;
  const split = makeDatasetFiles({ count, seed });
  const describe = (name: string, gz: Uint8Array, raw: Uint8Array): DatasetFile => ({
    name,
    bytes: gz.length,
    ...(withSha256 ? { sha256: sha256(gz) } : {}),
    ...(withRaw ? { rawBytes: raw.length, rawSha256: sha256(raw) } : {}),
  });
  const descriptor: DatasetDescriptor = {
    id,
    title: `reliability fixture ${id}`,
    files: {
      trainImages: describe(FIXTURE_NAMES.trainImages, split.imagesIdxGz, split.imagesIdx),
      trainLabels: describe(FIXTURE_NAMES.trainLabels, split.labelsIdxGz, split.labelsIdx),
      testImages: describe(FIXTURE_NAMES.testImages, split.imagesIdxGz, split.imagesIdx),
      testLabels: describe(FIXTURE_NAMES.testLabels, split.labelsIdxGz, split.labelsIdx),
    },
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    mirrors: [],
    imageShape: [28, 28],
    counts: { train: count, test: count },
    ...(options.allowInsecureMirrors ? { allowInsecureMirrors: true } : {}),
  };
  return {
    descriptor,
    files: {
      [FIXTURE_NAMES.trainImages]: split.imagesIdxGz,
      [FIXTURE_NAMES.trainLabels]: split.labelsIdxGz,
      [FIXTURE_NAMES.testImages]: split.imagesIdxGz,
      [FIXTURE_NAMES.testLabels]: split.labelsIdxGz,
    },
    split,
  };
}

/** Routes that serve every file of `fixture` correctly, with `faults` replacing some of them. */
export function fixtureRoutes(
  fixture: FixtureDataset,
  faults: Partial<Record<string, TestRoute>> = {},
): Record<string, TestRoute> {
  const routes: Record<string, TestRoute> = {};
  for (const [name, body] of Object.entries(fixture.files)) {
    routes[name] = faults[name] ?? { kind: 'bytes', body };
  }
  return routes;
}

/** True when two byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.length === b.length &&
    Buffer.from(a.buffer, a.byteOffset, a.length).equals(
      Buffer.from(b.buffer, b.byteOffset, b.length),
    )
  );
}
