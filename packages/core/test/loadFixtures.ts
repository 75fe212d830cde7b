// The fixture dataset of the loading tests (a tiny 8x6 dataset served from a 127.0.0.1 server) and their shared setup.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  type DatasetDescriptor,
  type DatasetFile,
  type DatasetSplit,
  loadDataset,
  nodePlatform,
  type Platform,
} from '@fmnist/core/node';
import { type DatasetFilesFixture, makeDatasetFiles, type TestServer } from '@fmnist/test-utils';
import { afterEach, beforeEach, expect } from 'vitest';
import { server, useFileServer } from './fileServer.ts';
import { sha256 } from './helpers.ts';

/** Image height and width of the fixture dataset. */
export const H = 8;
/** See {@link H}. */
export const W = 6;
/** The fixture train split (30 images). */
export const train = makeDatasetFiles({ count: 30, height: H, width: W, seed: 1 });
/** The fixture test split (20 images). */
export const test = makeDatasetFiles({ count: 20, height: H, width: W, seed: 2 });

/** A descriptor file entry for the given gzip and raw bytes. */
export function fileOf(name: string, gz: Uint8Array, raw: Uint8Array): DatasetFile {
  return {
    name,
    bytes: gz.length,
    sha256: sha256(gz),
    rawBytes: raw.length,
    rawSha256: sha256(raw),
  };
}

/** A tiny dataset whose files are the fixtures above, served from `mirrors`. */
export function descriptor(id: string, mirrors: string[] = []): DatasetDescriptor {
  return {
    id,
    title: `fixture ${id}`,
    files: {
      trainImages: fileOf('train-images.gz', train.imagesIdxGz, train.imagesIdx),
      trainLabels: fileOf('train-labels.gz', train.labelsIdxGz, train.labelsIdx),
      testImages: fileOf('test-images.gz', test.imagesIdxGz, test.imagesIdx),
      testLabels: fileOf('test-labels.gz', test.labelsIdxGz, test.labelsIdx),
    },
    classNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'],
    mirrors,
    imageShape: [H, W],
    counts: { train: 30, test: 20 },
  };
}

/** Serves the four fixture files under `/<folder>/`; returns the mirror URL. */
export function serveFixtures(server: TestServer, folder: string): string {
  return server.mirror(folder, {
    'train-images.gz': { kind: 'bytes', body: train.imagesIdxGz },
    'train-labels.gz': { kind: 'bytes', body: train.labelsIdxGz },
    'test-images.gz': { kind: 'bytes', body: test.imagesIdxGz },
    'test-labels.gz': { kind: 'bytes', body: test.labelsIdxGz },
  });
}

/** Asserts that a loaded split holds exactly the fixture. */
export function expectSplit(
  split: Awaited<ReturnType<typeof loadDataset>>,
  fx: DatasetFilesFixture,
) {
  expect(split.count).toBe(fx.count);
  expect(split.imageShape).toEqual([H, W]);
  expect(split.images).toEqual(fx.images);
  expect(split.labels).toEqual(fx.labels);
}

/** Download options that keep failing tests quick. */
export const fast = { retryDelayMs: 1, timeoutMs: 5000 };
/** The Node platform without a cache and with a fake environment, so tests never read the real one. */
export const platformWith = (
  env: Record<string, string> = {},
  cacheDir: string | false = false,
): Platform => ({
  ...nodePlatform({ cacheDir }),
  env: (name) => env[name],
});

/** The fixture dataset with id `folder`, served from `/<folder>/` of the file's {@link server}. */
export function served(folder: string): DatasetDescriptor {
  return descriptor(folder, [serveFixtures(server, folder)]);
}

/**
 * Loads `split` of {@link served}`(folder)` with the fake-environment platform and the quick
 * download options: the plain load most loading tests start from.
 */
export function loadServed(folder: string, split: string): Promise<DatasetSplit> {
  return loadDataset({ dataset: served(folder), split, platform: platformWith(), ...fast });
}

/** The test server of the current file (see {@link useServerAndTmp}). */
export { server };
/** A fresh temporary directory for the current test (see {@link useServerAndTmp}). */
export let tmp: string;

/**
 * Registers the hooks of a loading test file: one 127.0.0.1 server for the file (counts reset
 * before each test) and a fresh temporary directory per test, read through the live bindings
 * `server` and `tmp`.
 */
export function useServerAndTmp(): void {
  useFileServer();
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'fmnist-load-'));
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });
}
