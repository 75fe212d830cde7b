// Loads through mirrors: a fixture served from fresh folders of a 127.0.0.1 test server, loaded with loadDataset, and the recovered / failed checks the network cases share.
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  type DatasetSplit,
  fsCache,
  type LoadOptions,
  loadDataset,
  nodePlatform,
} from '@fmnist/core/node';
import type { TestRoute, TestServer } from '@fmnist/test-utils';
import { expect, it } from 'vitest';
import { FIXTURE_NAMES, type FixtureDataset, fixtureRoutes, sameBytes } from './fixtures.ts';
import type { Category } from './ledger.ts';
import { type CaseContext, describeFailure, rejection, runCase } from './runCase.ts';
import { useTestServer } from './useTestServer.ts';

/** Node platform without the environment: FMNIST_DATA_DIR must not short-cut any case. */
export const isolatedPlatform = { ...nodePlatform({ cacheDir: false }), env: () => undefined };

/**
 * loadDataset of `dataset` from `mirrors` into an fsCache at `cacheDir`, on the
 * {@link isolatedPlatform} with a 5 ms retry delay; `extra` adds or overrides options.
 */
export function loadFromMirrors(
  cacheDir: string,
  dataset: LoadOptions['dataset'],
  mirrors: string[],
  extra: Partial<LoadOptions> = {},
): Promise<DatasetSplit> {
  return loadDataset({
    dataset,
    mirrors,
    cache: fsCache(cacheDir),
    platform: isolatedPlatform,
    retryDelayMs: 5,
    ...extra,
  });
}

/** What one {@link MirrorLoads.load} did: the split or the error, and how long it took. */
export interface Loaded {
  split?: DatasetSplit;
  error?: unknown;
  ms: number;
}

/** A mirror folder made by {@link MirrorLoads.mirror}. */
export interface Mirror {
  /** The mirror's base URL (with a trailing slash). */
  url: string;
  /** The request path of its train-images file, for `server.requests()`. */
  images: string;
  /** The folder name on the server. */
  folder: string;
}

/** Options for {@link useMirrorLoads}. */
export interface MirrorLoadsOptions {
  /** The ledger category of the cases {@link MirrorLoads.loadCase} registers. */
  category: Category;
  /** Prefix of the mirror folder names (default `m`): `m1`, `m2`, ... */
  folderPrefix?: string;
}

/** The shared pieces of a file of mirror cases; see {@link useMirrorLoads}. */
export interface MirrorLoads {
  /** The fixture every mirror serves. */
  readonly fx: FixtureDataset;
  /** The fixture's train-images bytes (gzip), as a correct mirror serves them. */
  readonly body: Uint8Array;
  /** The file's test server ({@link useTestServer}). */
  readonly server: TestServer;
  /** A fresh folder name, unused so far. */
  folder(): string;
  /** A fresh mirror folder serving the fixture, with `images` as its train-images route. */
  mirror(images?: TestRoute): Mirror;
  /** A train-images route that answers `first` once, then the right bytes (a retry recovers). */
  thenServe(first: TestRoute): TestRoute;
  /** loadDataset of the fixture from `mirrors` into the case's cache; never throws. */
  load(ctx: CaseContext, mirrors: string[], extra?: Partial<LoadOptions>): Promise<Loaded>;
  /** The load succeeded with the right bytes, and the cache now holds the verified file. */
  expectRecovered(ctx: CaseContext, result: Loaded): void;
  /** The load failed with `code` and the images file was not cached; returns the outcome text. */
  expectFailed(ctx: CaseContext, result: Loaded, code: string): Promise<string>;
  /** Registers one case (a vitest test) in the category, audited against the fixture. */
  loadCase(name: string, expected: string, body: (ctx: CaseContext) => Promise<string>): void;
}

/**
 * The pieces a file of mirror cases shares. Call it at the top of the test file: it starts the
 * file's test server ({@link useTestServer}). Loads use short retry delays and a
 * 1 s idle timeout unless a case passes its own.
 */
export function useMirrorLoads(fx: FixtureDataset, options: MirrorLoadsOptions): MirrorLoads {
  const images = FIXTURE_NAMES.trainImages;
  const prefix = options.folderPrefix ?? 'm';
  const server = useTestServer();
  let count = 0;
  const cached = (ctx: CaseContext) =>
    existsSync(path.join(ctx.cacheDir, fx.descriptor.id, images));
  const loads: MirrorLoads = {
    fx,
    body: fx.files[images],
    server,
    folder: () => `${prefix}${++count}`,
    mirror(route) {
      const folder = loads.folder();
      const url = server.mirror(folder, fixtureRoutes(fx, route ? { [images]: route } : {}));
      return { url, images: `/${folder}/${images}`, folder };
    },
    thenServe: (first) => ({
      kind: 'sequence',
      routes: [first, { kind: 'bytes', body: loads.body }],
    }),
    async load(ctx, mirrors, extra = {}) {
      const begun = performance.now();
      try {
        const split = await loadFromMirrors(ctx.cacheDir, fx.descriptor, mirrors, {
          timeoutMs: 1000,
          ...extra,
        });
        return { split, ms: performance.now() - begun };
      } catch (error) {
        return { error, ms: performance.now() - begun };
      }
    },
    expectRecovered(ctx, result) {
      if (result.error) throw result.error;
      expect(sameBytes(result.split!.images, fx.split.images)).toBe(true);
      expect(sameBytes(result.split!.labels, fx.split.labels)).toBe(true);
      expect(cached(ctx)).toBe(true);
    },
    async expectFailed(ctx, result, code) {
      const error = await rejection(Promise.reject(result.error ?? new Error('it loaded')));
      expect(error.code, error.message).toBe(code);
      expect(cached(ctx)).toBe(false);
      return describeFailure(error);
    },
    loadCase(name, expected, body) {
      it(name, () =>
        runCase(
          {
            category: options.category,
            name,
            expected,
            descriptors: [fx.descriptor],
            noTemp: true,
          },
          body,
        ),
      );
    },
  };
  return loads;
}

/** An outcome with three DOWNLOAD_FAILED attempts in a row worded `DOWNLOAD_FAILED x3`. */
export function threeAttempts(outcome: string): string {
  return outcome.replace(/(DOWNLOAD_FAILED, ){2}DOWNLOAD_FAILED/, 'DOWNLOAD_FAILED x3');
}
