// Security properties of the data layer:
// - downloaded and cached bytes are verified before anything uses them;
// - plain http is acceptable only because of the sha256: a user-registered dataset without
//   checksums is refused over http unless the user opts in (option or descriptor flag), and a
//   redirect from https to http is refused for such a file;
// - cache paths come only from the descriptor's dataset id and file names, which are checked:
//   no path traversal through a dataset id, a file name, a cache key, a mirror URL, a redirect
//   or a Content-Disposition header.
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type DatasetDescriptor,
  type DatasetFile,
  fsCache,
  type LoadOptions,
  type LoadProgress,
  loadDataset,
  registerDataset,
} from '@fmnist/core/node';
import { expect, it } from 'vitest';
import {
  type CaseContext,
  cliMissing,
  describeFailure,
  FIXTURE_NAMES,
  fixtureDataset,
  fixtureRoutes,
  isolatedPlatform,
  rejection,
  runCase,
  runToEnd,
  sameBytes,
  spawnCli,
  useTestServer,
} from '../src/index.ts';

const fx = fixtureDataset('rel-sec', { count: 200, seed: 13 });
const unsigned = fixtureDataset('rel-sec-unsigned', { count: 200, seed: 13, withSha256: false });
const IMAGES = FIXTURE_NAMES.trainImages;

const server = useTestServer();

function secCase(
  name: string,
  expected: string,
  body: (ctx: CaseContext) => Promise<string>,
  descriptors: DatasetDescriptor[] = [fx.descriptor],
) {
  it(name, () =>
    runCase({ category: 'security', name, expected, descriptors, noTemp: true }, body),
  );
}

function load(ctx: CaseContext, extra: Partial<LoadOptions>) {
  return loadDataset({
    dataset: fx.descriptor,
    cache: fsCache(ctx.cacheDir),
    platform: isolatedPlatform,
    retryDelayMs: 5,
    ...extra,
  });
}

/** Every file below `dir`, relative, sorted. */
async function allFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(path.relative(dir, path.join(e.parentPath ?? e.path, e.name)));
  }
  return out.sort();
}

secCase(
  'wrong bytes of the right length are never decoded or cached',
  'CHECKSUM_MISMATCH before decode; nothing cached',
  async (ctx) => {
    const wrong = fx.files[IMAGES].slice();
    wrong[wrong.length >> 1] ^= 0x01;
    const url = server.mirror(
      'sec-wrong',
      fixtureRoutes(fx, { [IMAGES]: { kind: 'bytes', body: wrong } }),
    );
    const phases: LoadProgress[] = [];
    const error = await rejection(
      load(ctx, { mirrors: [url], onProgress: (p) => phases.push({ ...p }) }),
    );
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(phases.some((p) => p.file === IMAGES && p.phase === 'decode')).toBe(false);
    expect(await allFiles(path.join(ctx.cacheDir, fx.descriptor.id))).not.toContain(IMAGES);
    return `${describeFailure(error)} before decode; nothing cached`;
  },
);

secCase(
  'a tampered cached file (same length) is detected and replaced',
  'detected, downloaded again, cache valid',
  async (ctx) => {
    const url = server.mirror('sec-tamper', fixtureRoutes(fx));
    await load(ctx, { mirrors: [url] });
    const file = path.join(ctx.cacheDir, fx.descriptor.id, IMAGES);
    const bytes = new Uint8Array(await readFile(file));
    bytes[100] ^= 0xff;
    await writeFile(file, bytes);
    server.resetCounts();
    const split = await load(ctx, { mirrors: [url] });
    expect(sameBytes(split.images, fx.split.images)).toBe(true);
    expect(server.requests(`/sec-tamper/${IMAGES}`)).toBe(1);
    return 'detected, downloaded again, cache valid';
  },
);

secCase('http mirror for files with a sha256', 'allowed (the sha256 protects)', async (ctx) => {
  const url = server.mirror('sec-http', fixtureRoutes(fx));
  expect(url.startsWith('http:')).toBe(true);
  const split = await load(ctx, { mirrors: [url] });
  expect(sameBytes(split.images, fx.split.images)).toBe(true);
  return 'allowed (the sha256 protects)';
});

secCase(
  'http mirror for a registered dataset without checksums',
  'refused without a request (DOWNLOAD_FAILED, attempts: INVALID_ARGUMENT)',
  async (ctx) => {
    const url = server.mirror('sec-unsigned', fixtureRoutes(unsigned));
    registerDataset({ ...unsigned.descriptor, mirrors: [url] });
    const error = await rejection(
      loadDataset({
        dataset: unsigned.descriptor.id,
        cache: fsCache(ctx.cacheDir),
        platform: isolatedPlatform,
      }),
    );
    expect(error.code).toBe('DOWNLOAD_FAILED');
    expect(error.message).toMatch(/non-https/);
    expect(server.requests(`/sec-unsigned/${IMAGES}`)).toBe(0);
    return `refused without a request (${describeFailure(error).replace(/INVALID_ARGUMENT, INVALID_ARGUMENT/, 'INVALID_ARGUMENT')})`;
  },
  [unsigned.descriptor],
);

// The two ways to opt in to an http mirror for files without a sha256: both must load.
const optIns: { name: string; route: string; options: (url: string) => Partial<LoadOptions> }[] = [
  {
    name: 'same, opted in with allowInsecure',
    route: 'sec-unsigned-opt',
    options: (url) => ({ dataset: unsigned.descriptor, mirrors: [url], allowInsecure: true }),
  },
  {
    name: 'same, opted in with the descriptor flag allowInsecureMirrors',
    route: 'sec-unsigned-flag',
    options: (url) => ({
      dataset: { ...unsigned.descriptor, mirrors: [url], allowInsecureMirrors: true },
    }),
  },
];
for (const optIn of optIns) {
  secCase(
    optIn.name,
    'loaded (sizes checked)',
    async (ctx) => {
      const url = server.mirror(optIn.route, fixtureRoutes(unsigned));
      const split = await loadDataset({
        ...optIn.options(url),
        cache: fsCache(ctx.cacheDir),
        platform: isolatedPlatform,
      });
      expect(sameBytes(split.images, unsigned.split.images)).toBe(true);
      return 'loaded (sizes checked)';
    },
    [unsigned.descriptor],
  );
}

secCase(
  'https mirror redirecting to http, file without sha256 (https simulated: no TLS here)',
  'refused (DOWNLOAD_FAILED, attempts: INVALID_ARGUMENT)',
  async (ctx) => {
    const url = server.mirror('sec-downgrade', fixtureRoutes(unsigned));
    // A fetch that answers for https://mirror.invalid/ with what a redirect to our http server
    // would give: the real response, whose final URL is http.
    const fetchViaRedirect: typeof fetch = async (input, init) => {
      const name = String(input).split('/').pop()!;
      const target = `${url}${name}`;
      const response = await fetch(target, init);
      Object.defineProperty(response, 'url', { value: target });
      return response;
    };
    const error = await rejection(
      loadDataset({
        dataset: unsigned.descriptor,
        mirrors: ['https://mirror.invalid/'],
        fetch: fetchViaRedirect,
        retries: 0,
        cache: fsCache(ctx.cacheDir),
        platform: isolatedPlatform,
      }),
    );
    expect(error.code).toBe('DOWNLOAD_FAILED');
    expect(error.message).toMatch(/redirected to the non-https/);
    return `refused (${describeFailure(error)})`;
  },
  [unsigned.descriptor],
);

const BAD_IDS = [
  '../evil',
  '..',
  '.',
  'a/b',
  '/abs',
  'a\\b',
  '.hidden',
  'a/../b',
  '%2e%2e',
  'C:x',
  '',
  'x\u0000y',
];
const BAD_NAMES = [
  '../x.gz',
  '../../etc/passwd',
  'a/b.gz',
  '..',
  '/abs.gz',
  'C:\\x.gz',
  'x\\..\\y.gz',
  '%2e%2e%2fx.gz',
  'x\u0000y.gz',
  '',
  '.gz',
];

/**
 * Each descriptor `describe(value, url)` makes is refused by registerDataset and loadDataset
 * (INVALID_ARGUMENT) before any request to the mirror `folder` and before any write.
 */
async function refusedUpFront(
  ctx: CaseContext,
  folder: string,
  values: readonly string[],
  describe: (value: string, url: string) => DatasetDescriptor,
): Promise<string> {
  const url = server.mirror(folder, fixtureRoutes(fx));
  server.resetCounts();
  for (const value of values) {
    const descriptor = describe(value, url);
    expect(() => registerDataset(descriptor), JSON.stringify(value)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    const error = await rejection(load(ctx, { dataset: descriptor }));
    expect(error.code, JSON.stringify(value)).toBe('INVALID_ARGUMENT');
  }
  expect(server.requests(`/${folder}/${IMAGES}`)).toBe(0);
  expect(await allFiles(ctx.workDir)).toEqual([]);
  return 'INVALID_ARGUMENT before any request or write';
}

secCase(
  `path traversal through the dataset id (${BAD_IDS.length} ids)`,
  'INVALID_ARGUMENT before any request or write',
  (ctx) =>
    refusedUpFront(ctx, 'sec-id', BAD_IDS, (id, url) => ({ ...fx.descriptor, id, mirrors: [url] })),
);

secCase(
  `path traversal through a file name (${BAD_NAMES.length} names)`,
  'INVALID_ARGUMENT before any request or write',
  (ctx) =>
    refusedUpFront(ctx, 'sec-name', BAD_NAMES, (name, url) => {
      const file: DatasetFile = { ...fx.descriptor.files.trainImages, name };
      return {
        ...fx.descriptor,
        id: 'rel-sec-names',
        mirrors: [url],
        files: { ...fx.descriptor.files, trainImages: file },
      };
    }),
);

secCase(
  'path traversal through fsCache keys (get, set, remove)',
  'INVALID_ARGUMENT, nothing written',
  async (ctx) => {
    const cache = fsCache(ctx.cacheDir);
    const keys = [
      '../x/y',
      'a/../../b',
      'a/b/c',
      '/etc/passwd',
      'a/..',
      '../../tmp',
      'a\\..\\b/c',
      'a/b.tmp',
      'a',
      '',
    ];
    for (const key of keys) {
      const ops: (() => Promise<unknown>)[] = [
        () => cache.get(key),
        () => cache.set(key, new Uint8Array(1)),
        () => cache.remove(key),
      ];
      for (const op of ops) {
        const error = await rejection(Promise.resolve().then(op));
        expect(error.code, JSON.stringify(key)).toBe('INVALID_ARGUMENT');
      }
    }
    expect(await allFiles(ctx.workDir)).toEqual([]);
    return `INVALID_ARGUMENT for all ${keys.length} keys x 3 operations, nothing written`;
  },
);

secCase(
  'traversal attempts in the mirror URL, a redirect and Content-Disposition',
  'stored only as <cache>/<id>/<file name>',
  async (ctx) => {
    const url = server.mirror('sec-url/deep', fixtureRoutes(fx));
    // The images file redirects to a path full of ../ and comes with a hostile file name.
    server.route(`/sec-url/deep/${IMAGES}`, {
      kind: 'redirect',
      location: `/sec-url/deep/../../sec-url/deep/x/../evil/..%2f..%2f${IMAGES}`,
    });
    // fetch resolves the dot segments; the encoded ones (%2f) stay part of one name.
    server.route(`/sec-url/deep/evil/..%2f..%2f${IMAGES}`, {
      kind: 'bytes',
      body: fx.files[IMAGES],
      headers: { 'content-disposition': 'attachment; filename="../../../evil.gz"' },
    });
    const split = await load(ctx, { mirrors: [`${url}x/../`] });
    expect(sameBytes(split.images, fx.split.images)).toBe(true);
    expect(server.requests(`/sec-url/deep/evil/..%2f..%2f${IMAGES}`)).toBe(1);
    const files = await allFiles(ctx.workDir);
    expect(files).toEqual(
      [FIXTURE_NAMES.trainImages, FIXTURE_NAMES.trainLabels]
        .map((n) => path.join('cache', fx.descriptor.id, n))
        .sort(),
    );
    return 'stored only as <cache>/<id>/<file name>';
  },
);

const cliReason = cliMissing();
it.skipIf(cliReason !== undefined)('`fmnist download --dataset ../../evil`', () =>
  runCase(
    {
      category: 'security',
      name: '`fmnist download --dataset ../../evil`',
      expected: 'exit 2 (usage), nothing written',
      descriptors: [],
    },
    async (ctx) => {
      const run = await runToEnd(
        spawnCli(['download', '--dataset', '../../evil', '--cache-dir', ctx.cacheDir]),
      );
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(await allFiles(ctx.workDir)).toEqual([]);
      return `exit 2: ${run.stderr.trim().split('\n')[0].slice(0, 100)}`;
    },
  ),
);
