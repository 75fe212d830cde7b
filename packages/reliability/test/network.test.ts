// Network faults against a real 127.0.0.1 server (and a second host on 127.0.0.2), through
// the core download path as programs use it: loadDataset from @fmnist/core/node with an fsCache.
// Every case states its expected outcome; afterwards the cache must hold no file that passes
// for valid without being valid.
import { existsSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { gzipSync } from 'node:zlib';
import {
  type DatasetSplit,
  fsCache,
  type LoadOptions,
  loadDataset,
  nodePlatform,
} from '@fmnist/core/node';
import { idxHeader, startTestServer, type TestRoute, type TestServer } from '@fmnist/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type CaseContext,
  describeFailure,
  FIXTURE_NAMES,
  fixtureDataset,
  fixtureRoutes,
  type OtherHost,
  rejection,
  runCase,
  sameBytes,
  sha256,
  startOtherHost,
} from '../src/index.ts';

const fx = fixtureDataset('rel-net', { count: 200, seed: 3 });
const IMAGES = FIXTURE_NAMES.trainImages;
const body = fx.files[IMAGES];
// Node platform without the environment: FMNIST_DATA_DIR must not short-cut any case.
const platform = { ...nodePlatform({ cacheDir: false }), env: () => undefined };

let server: TestServer;
let other: OtherHost;

beforeAll(async () => {
  server = await startTestServer();
  other = await startOtherHost('127.0.0.2');
});
afterAll(async () => {
  await server.close();
  await other.close();
});

let mirrorCount = 0;
/** A fresh mirror folder serving the fixture, with `images` as the train-images route. */
function mirror(images?: TestRoute): { url: string; images: string } {
  const folder = `m${++mirrorCount}`;
  const url = server.mirror(folder, fixtureRoutes(fx, images ? { [IMAGES]: images } : {}));
  return { url, images: `/${folder}/${IMAGES}` };
}

interface Loaded {
  split?: DatasetSplit;
  error?: unknown;
  ms: number;
}

async function load(
  ctx: CaseContext,
  mirrors: string[],
  extra: Partial<LoadOptions> = {},
): Promise<Loaded> {
  const started = performance.now();
  const options: LoadOptions = {
    dataset: fx.descriptor,
    mirrors,
    cache: fsCache(ctx.cacheDir),
    platform,
    retryDelayMs: 5,
    timeoutMs: 1000,
    ...extra,
  };
  try {
    const split = await loadDataset(options);
    return { split, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

/** The load succeeded with the right bytes, and the cache now holds the verified file. */
function expectRecovered(ctx: CaseContext, result: Loaded): void {
  if (result.error) throw result.error;
  expect(sameBytes(result.split!.images, fx.split.images)).toBe(true);
  expect(sameBytes(result.split!.labels, fx.split.labels)).toBe(true);
  expect(existsSync(path.join(ctx.cacheDir, fx.descriptor.id, IMAGES))).toBe(true);
}

/** The load failed with `code`; returns the outcome text. The images file was not cached. */
async function expectFailed(ctx: CaseContext, result: Loaded, code: string): Promise<string> {
  const error = await rejection(Promise.reject(result.error ?? new Error('it loaded')));
  expect(error.code, error.message).toBe(code);
  expect(existsSync(path.join(ctx.cacheDir, fx.descriptor.id, IMAGES))).toBe(false);
  return describeFailure(error);
}

function netCase(name: string, expected: string, body: (ctx: CaseContext) => Promise<string>) {
  it(name, () =>
    runCase(
      { category: 'network (core)', name, expected, descriptors: [fx.descriptor], noTemp: true },
      body,
    ),
  );
}

netCase('404, then the next mirror', 'recovered (next mirror)', async (ctx) => {
  const a = mirror({ kind: 'status', status: 404 });
  const b = mirror();
  expectRecovered(ctx, await load(ctx, [a.url, b.url]));
  expect(server.requests(a.images)).toBe(1);
  ctx.facts.requests404 = server.requests(a.images);
  return 'recovered (next mirror)';
});

netCase('404 on every mirror', 'DOWNLOAD_FAILED (attempts: NOT_FOUND, NOT_FOUND)', async (ctx) => {
  const a = mirror({ kind: 'status', status: 404 });
  const b = mirror({ kind: 'status', status: 404 });
  const outcome = await expectFailed(ctx, await load(ctx, [a.url, b.url]), 'DOWNLOAD_FAILED');
  // A 404 is not retried.
  expect([server.requests(a.images), server.requests(b.images)]).toEqual([1, 1]);
  return outcome;
});

netCase('500, then 200', 'recovered (retry)', async (ctx) => {
  const a = mirror({
    kind: 'sequence',
    routes: [
      { kind: 'status', status: 500 },
      { kind: 'bytes', body },
    ],
  });
  expectRecovered(ctx, await load(ctx, [a.url]));
  expect(server.requests(a.images)).toBe(2);
  ctx.facts.requests = 2;
  return 'recovered (retry)';
});

netCase(
  '500 on every attempt (2 retries)',
  'DOWNLOAD_FAILED (attempts: DOWNLOAD_FAILED x3)',
  async (ctx) => {
    const a = mirror({ kind: 'status', status: 500 });
    const outcome = await expectFailed(ctx, await load(ctx, [a.url]), 'DOWNLOAD_FAILED');
    expect(server.requests(a.images)).toBe(3);
    return outcome.replace(/(DOWNLOAD_FAILED, ){2}DOWNLOAD_FAILED/, 'DOWNLOAD_FAILED x3');
  },
);

netCase('503 with Retry-After: 1, then 200', 'recovered (retry after >= 1 s)', async (ctx) => {
  const a = mirror({
    kind: 'sequence',
    routes: [
      { kind: 'status', status: 503, headers: { 'retry-after': '1' } },
      { kind: 'bytes', body },
    ],
  });
  const result = await load(ctx, [a.url]);
  expectRecovered(ctx, result);
  // The backoff alone (retryDelayMs 5) would have retried after a few ms.
  expect(result.ms).toBeGreaterThanOrEqual(950);
  expect(server.requests(a.images)).toBe(2);
  ctx.facts.ms = Math.round(result.ms);
  return 'recovered (retry after >= 1 s)';
});

netCase(
  '503 with Retry-After: 3600, next mirror',
  'recovered (next mirror at once, no 1 h wait)',
  async (ctx) => {
    const a = mirror({ kind: 'status', status: 503, headers: { 'retry-after': '3600' } });
    const b = mirror();
    const result = await load(ctx, [a.url, b.url]);
    expectRecovered(ctx, result);
    expect(result.ms).toBeLessThan(5000);
    expect(server.requests(a.images)).toBe(1);
    ctx.facts.ms = Math.round(result.ms);
    return 'recovered (next mirror at once, no 1 h wait)';
  },
);

netCase('connection reset mid-body, then 200', 'recovered (retry)', async (ctx) => {
  const a = mirror({
    kind: 'sequence',
    routes: [
      { kind: 'cut', body, afterBytes: body.length >> 1 },
      { kind: 'bytes', body },
    ],
  });
  expectRecovered(ctx, await load(ctx, [a.url]));
  expect(server.requests(a.images)).toBe(2);
  return 'recovered (retry)';
});

netCase(
  'connection reset mid-body on every attempt',
  'DOWNLOAD_FAILED (attempts: DOWNLOAD_FAILED x3)',
  async (ctx) => {
    const a = mirror({ kind: 'cut', body, afterBytes: 4096 });
    const outcome = await expectFailed(ctx, await load(ctx, [a.url]), 'DOWNLOAD_FAILED');
    expect(server.requests(a.images)).toBe(3);
    return outcome.replace(/(DOWNLOAD_FAILED, ){2}DOWNLOAD_FAILED/, 'DOWNLOAD_FAILED x3');
  },
);

netCase(
  'stalled body (no byte for the idle timeout), next mirror',
  'recovered (next mirror after TIMEOUT x2)',
  async (ctx) => {
    const a = mirror({ kind: 'stall', body, afterBytes: 4096 });
    const b = mirror();
    const result = await load(ctx, [a.url, b.url], { timeoutMs: 300, retries: 1 });
    expectRecovered(ctx, result);
    expect(server.requests(a.images)).toBe(2);
    ctx.facts.ms = Math.round(result.ms);
    return 'recovered (next mirror after TIMEOUT x2)';
  },
);

netCase('stalled body on the only mirror', 'DOWNLOAD_FAILED (attempts: TIMEOUT)', async (ctx) => {
  const a = mirror({ kind: 'stall', body, afterBytes: 4096 });
  const result = await load(ctx, [a.url], { timeoutMs: 300, retries: 0 });
  const outcome = await expectFailed(ctx, result, 'DOWNLOAD_FAILED');
  expect(result.ms).toBeLessThan(5000);
  return outcome;
});

netCase('server never sends headers', 'DOWNLOAD_FAILED (attempts: TIMEOUT)', async (ctx) => {
  const a = mirror({ kind: 'handler', handle: () => undefined });
  const result = await load(ctx, [a.url], { timeoutMs: 300, retries: 0 });
  return expectFailed(ctx, result, 'DOWNLOAD_FAILED');
});

netCase(
  'slow drip (4 kB every 40 ms, longer than the idle timeout in total)',
  'recovered (no timeout, one request)',
  async (ctx) => {
    const a = mirror({ kind: 'drip', body, chunkBytes: 4096, intervalMs: 40 });
    const result = await load(ctx, [a.url], { timeoutMs: 400 });
    expectRecovered(ctx, result);
    expect(result.ms).toBeGreaterThan(400);
    expect(server.requests(a.images)).toBe(1);
    ctx.facts.ms = Math.round(result.ms);
    return 'recovered (no timeout, one request)';
  },
);

const shortLength: TestRoute = { kind: 'badLength', body, contentLength: body.length - 1000 };
const longLength: TestRoute = { kind: 'badLength', body, contentLength: body.length + 1000 };

netCase(
  'Content-Length shorter than the body, only mirror',
  'CHECKSUM_MISMATCH (attempts: CHECKSUM_MISMATCH)',
  async (ctx) => {
    const a = mirror(shortLength);
    const outcome = await expectFailed(ctx, await load(ctx, [a.url]), 'CHECKSUM_MISMATCH');
    // A wrong file is not asked for again.
    expect(server.requests(a.images)).toBe(1);
    return outcome;
  },
);

netCase(
  'Content-Length shorter than the body, next mirror',
  'recovered (next mirror)',
  async (ctx) => {
    const a = mirror(shortLength);
    const b = mirror();
    expectRecovered(ctx, await load(ctx, [a.url, b.url]));
    return 'recovered (next mirror)';
  },
);

netCase('Content-Length longer than the body, then 200', 'recovered (retry)', async (ctx) => {
  const a = mirror({ kind: 'sequence', routes: [longLength, { kind: 'bytes', body }] });
  expectRecovered(ctx, await load(ctx, [a.url]));
  expect(server.requests(a.images)).toBe(2);
  return 'recovered (retry)';
});

netCase(
  'Content-Length longer than the body on every attempt',
  'DOWNLOAD_FAILED (attempts: DOWNLOAD_FAILED x3)',
  async (ctx) => {
    const a = mirror(longLength);
    const outcome = await expectFailed(ctx, await load(ctx, [a.url]), 'DOWNLOAD_FAILED');
    return outcome.replace(/(DOWNLOAD_FAILED, ){2}DOWNLOAD_FAILED/, 'DOWNLOAD_FAILED x3');
  },
);

const htmlPage: TestRoute = {
  kind: 'bytes',
  body: new TextEncoder().encode(
    '<!doctype html><html><head><title>503</title></head><body><h1>Service temporarily unavailable</h1></body></html>\n',
  ),
  headers: { 'content-type': 'text/html; charset=utf-8' },
};

netCase(
  'HTML error page with status 200, only mirror',
  'CHECKSUM_MISMATCH (attempts: CHECKSUM_MISMATCH)',
  async (ctx) => {
    const a = mirror(htmlPage);
    return expectFailed(ctx, await load(ctx, [a.url]), 'CHECKSUM_MISMATCH');
  },
);

netCase('HTML error page with status 200, next mirror', 'recovered (next mirror)', async (ctx) => {
  const a = mirror(htmlPage);
  const b = mirror();
  expectRecovered(ctx, await load(ctx, [a.url, b.url]));
  expect(server.requests(a.images)).toBe(1);
  return 'recovered (next mirror)';
});

netCase(
  'endless 200 body (a mirror streaming forever)',
  'DOWNLOAD_FAILED (stopped at 2x the size + 1 MiB)',
  async (ctx) => {
    let sent = 0;
    const a = mirror({
      kind: 'handler',
      handle: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = new Uint8Array(64 * 1024).fill(0x3c);
        const pump = () => {
          while (!res.destroyed && sent < 64 * 1024 * 1024) {
            sent += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        pump();
      },
    });
    const outcome = await expectFailed(ctx, await load(ctx, [a.url]), 'DOWNLOAD_FAILED');
    // Stopped near the limit, not after the 64 MiB the server was willing to send.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    ctx.facts.serverSentMiB = Math.round(sent / 1024 / 1024);
    return `${outcome.split(' (')[0]} (stopped at 2x the size + 1 MiB)`;
  },
);

netCase(
  'redirect loop, only mirror',
  'DOWNLOAD_FAILED after one attempt (loop not retried)',
  async (ctx) => {
    const folder = `m${++mirrorCount}`;
    server.mirror(folder, fixtureRoutes(fx));
    server.route(`/${folder}/${IMAGES}`, { kind: 'redirect', location: `/${folder}/b/${IMAGES}` });
    server.route(`/${folder}/b/${IMAGES}`, { kind: 'redirect', location: `/${folder}/${IMAGES}` });
    const error = await rejection(
      loadDataset({
        dataset: fx.descriptor,
        mirrors: [server.url(`/${folder}/`)],
        cache: fsCache(ctx.cacheDir),
        platform,
        retryDelayMs: 5,
      }),
    );
    expect(error.code).toBe('DOWNLOAD_FAILED');
    expect((error.details.attempts as unknown[]).length).toBe(1);
    // fetch gives up after 20 redirects: about 10 requests to each end of the loop.
    const requests = server.requests(`/${folder}/${IMAGES}`);
    expect(requests).toBeLessThanOrEqual(11);
    ctx.facts.requests = requests;
    return 'DOWNLOAD_FAILED after one attempt (loop not retried)';
  },
);

netCase('redirect loop, next mirror', 'recovered (next mirror)', async (ctx) => {
  const folder = `m${++mirrorCount}`;
  server.mirror(folder, fixtureRoutes(fx));
  server.route(`/${folder}/${IMAGES}`, { kind: 'redirect', location: `/${folder}/${IMAGES}` });
  const b = mirror();
  expectRecovered(ctx, await load(ctx, [server.url(`/${folder}/`), b.url]));
  return 'recovered (next mirror)';
});

netCase(
  'redirect to another host (127.0.0.2) serving the right file',
  'recovered (redirect followed, sha256 checked)',
  async (ctx) => {
    other.serve(body);
    const path = `/cross-ok/${IMAGES}`;
    const a = mirror({ kind: 'redirect', location: `${other.baseUrl}cross-ok/${IMAGES}` });
    expectRecovered(ctx, await load(ctx, [a.url]));
    expect(other.requests(path)).toBe(1);
    return 'recovered (redirect followed, sha256 checked)';
  },
);

netCase(
  'redirect to another host (127.0.0.2) serving a wrong file',
  'CHECKSUM_MISMATCH (attempts: CHECKSUM_MISMATCH)',
  async (ctx) => {
    const wrong = fixtureDataset('other', { count: 200, seed: 4 }).files[IMAGES];
    other.serve(wrong);
    const a = mirror({ kind: 'redirect', location: `${other.baseUrl}cross-bad/${IMAGES}` });
    return expectFailed(ctx, await load(ctx, [a.url]), 'CHECKSUM_MISMATCH');
  },
);

// A gzip bomb: an IDX header claiming 342,392 images, then 256 MiB of zeros, in 257 gzip
// members (concatenated members are one valid gzip file). About 260 kB on the wire.
const ZEROS_MIB = 16;
const zerosMember = new Uint8Array(gzipSync(new Uint8Array(ZEROS_MIB * 1024 * 1024), { level: 9 }));
const bombMembers = 16;
const bomb = (() => {
  const header = new Uint8Array(
    gzipSync(idxHeader({ typeCode: 0x08, dims: [342_392, 28, 28] }), { level: 9 }),
  );
  const out = new Uint8Array(header.length + bombMembers * zerosMember.length);
  out.set(header);
  for (let i = 0; i < bombMembers; i++)
    out.set(zerosMember, header.length + i * zerosMember.length);
  return out;
})();
const bombInflatedMiB = bombMembers * ZEROS_MIB;

function bombDataset(id: string, withRaw: boolean) {
  const base = fixtureDataset(id, { count: 200, seed: 3, withRaw });
  const descriptor = {
    ...base.descriptor,
    files: {
      ...base.descriptor.files,
      // The descriptor's author published the bomb's own sha256, so verification passes.
      trainImages: {
        name: IMAGES,
        bytes: bomb.length,
        sha256: sha256(bomb),
        ...(withRaw ? { rawBytes: 16 + 200 * 784 } : {}),
      },
    },
  };
  return { descriptor, files: { ...base.files, [IMAGES]: bomb } };
}

for (const withRaw of [true, false]) {
  const label = withRaw
    ? 'gzip bomb with a matching sha256 (descriptor has rawBytes)'
    : 'gzip bomb with a matching sha256 (descriptor without rawBytes)';
  const ds = bombDataset(withRaw ? 'rel-bomb-raw' : 'rel-bomb', withRaw);
  it(label, () =>
    runCase(
      {
        category: 'network (core)',
        name: label,
        expected: 'INVALID_GZIP, stopped early (< 64 MB memory growth)',
        descriptors: [ds.descriptor],
        noTemp: true,
      },
      async (ctx) => {
        const folder = `bomb-${withRaw ? 'raw' : 'plain'}`;
        const url = server.mirror(
          folder,
          Object.fromEntries(
            Object.entries(ds.files).map(([name, bytes]) => [name, { kind: 'bytes', body: bytes }]),
          ),
        );
        const rssBefore = process.resourceUsage().maxRSS;
        const externalBefore = v8.getHeapStatistics().external_memory;
        const error = await rejection(
          loadDataset({
            dataset: ds.descriptor,
            mirrors: [url],
            cache: fsCache(ctx.cacheDir),
            platform,
            retryDelayMs: 5,
          }),
        );
        const rssGrowthMB = (process.resourceUsage().maxRSS - rssBefore) / 1024;
        const externalGrowthMB =
          (v8.getHeapStatistics().external_memory - externalBefore) / 1024 / 1024;
        expect(error.code, error.message).toBe('INVALID_GZIP');
        expect(rssGrowthMB).toBeLessThan(64);
        expect(externalGrowthMB).toBeLessThan(64);
        ctx.facts.compressedKB = Math.round(bomb.length / 1024);
        ctx.facts.inflatesToMiB = bombInflatedMiB;
        ctx.facts.peakRssGrowthMB = Math.round(rssGrowthMB);
        return `INVALID_GZIP, stopped early (${error.message.split('\n')[0]})`;
      },
    ),
  );
}
