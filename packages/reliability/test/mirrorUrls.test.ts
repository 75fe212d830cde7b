// Hostile and odd mirror URLs and silent mirrors, through loadDataset (core) and `fmnist download` (CLI): credentials refused up front and never shown, a query string kept, a 206 without Range retried, a slow header phase not cut, a redirect off http(s) and a DNS failure not retried, a never-answering mirror capped by deadlineMs.
import { lookup } from 'node:dns/promises';
import type { LoadProgress } from '@fmnist/core/node';
import type { TestRoute } from '@fmnist/test-utils';
import { beforeAll, expect, it } from 'vitest';
import {
  caseTest,
  cliCannotRun,
  FIXTURE_NAMES,
  fixtureDataset,
  fixtureRoutes,
  notProducible,
  rejection,
  runCase,
  runToEnd,
  spawnCli,
  useMirrorLoads,
} from '../src/index.ts';

const CATEGORY = 'inputs (mirror URLs)' as const;
const fx = fixtureDataset('rel-urls', { count: 200, seed: 5 });
const IMAGES = FIXTURE_NAMES.trainImages;
const body = fx.files[IMAGES];
const UNKNOWN_HOST = 'fmnist-mirror.invalid';
const urls = useMirrorLoads(fx, { category: CATEGORY, folderPrefix: 'u' });
const { mirror, load, expectRecovered, loadCase: urlCase } = urls;

/** Why the DNS case cannot run here (no resolver answering ENOTFOUND), if so. */
let dnsUnavailable: string | undefined;

beforeAll(async () => {
  try {
    await lookup(UNKNOWN_HOST);
    dnsUnavailable = `${UNKNOWN_HOST} resolves here`;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ENOTFOUND') dnsUnavailable = `DNS answers ${code}, not ENOTFOUND`;
  }
});

urlCase(
  'credentials in a mirror URL (loadDataset)',
  'INVALID_ARGUMENT up front, not printed',
  async (ctx) => {
    const m = mirror();
    const secret = m.url.replace('http://', 'http://alice:hunter2@');
    const error = await rejection(Promise.reject((await load(ctx, [secret])).error));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(JSON.stringify([error.message, error.details])).not.toMatch(/alice|hunter2/);
    expect(urls.server.requests(m.images)).toBe(0);
    return 'INVALID_ARGUMENT up front, not printed';
  },
);

caseTest(
  {
    category: CATEGORY,
    name: 'credentials in --mirror (fmnist download)',
    expected: 'exit 2, not printed',
    noTemp: true,
  },
  async (ctx) => {
    const m = mirror();
    const secret = m.url.replace('http://', 'http://alice:hunter2@');
    const run = await runToEnd(
      spawnCli(['download', '--cache-dir', ctx.cacheDir, '--mirror', secret]),
    );
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout + run.stderr).not.toMatch(/alice|hunter2/);
    expect(run.stderr).toContain('credentials');
    return 'exit 2, not printed';
  },
  { notProducible: cliCannotRun() },
);

urlCase('a query string on the mirror URL', 'recovered (query kept)', async (ctx) => {
  const seen: string[] = [];
  const m = mirror();
  urls.server.route(`/signed${m.images}`, {
    kind: 'handler',
    handle: (req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'content-length': body.length }).end(Buffer.from(body));
    },
  });
  const signed = `${urls.server.url(`signed${m.images.replace(IMAGES, '')}`)}?token=t1`;
  // Only the images file is routed under /signed: the labels come from the plain mirror.
  expectRecovered(ctx, await load(ctx, [signed, m.url]));
  expect(seen).toEqual([`/signed${m.images}?token=t1`]);
  return 'recovered (query kept)';
});

urlCase('206 to a request without Range, then 200', 'recovered (retry)', async (ctx) => {
  const m = mirror({
    kind: 'sequence',
    routes: [
      { kind: 'bytes', status: 206, body: body.subarray(0, 64) },
      { kind: 'bytes', body },
    ],
  });
  expectRecovered(ctx, await load(ctx, [m.url]));
  expect(urls.server.requests(m.images)).toBe(2);
  return 'recovered (retry)';
});

urlCase(
  '206 to a request without Range, every time',
  'DOWNLOAD_FAILED (attempts: DOWNLOAD_FAILED, DOWNLOAD_FAILED)',
  async (ctx) => {
    const m = mirror({ kind: 'bytes', status: 206, body });
    const result = await load(ctx, [m.url], { retries: 1 });
    const outcome = await urls.expectFailed(ctx, result, 'DOWNLOAD_FAILED');
    expect((result.error as Error).message).toContain('206 Partial Content');
    return outcome;
  },
);

urlCase(
  'slow but moving header phase, longer than timeoutMs',
  'recovered (not cut)',
  async (ctx) => {
    const m = mirror({
      kind: 'handler',
      handle: (_req, res) => {
        const socket = res.socket!;
        const head = [
          'HTTP/1.1 200 OK\r\n',
          ...Array.from({ length: 30 }, (_, i) => `X-Slow-${i}: ${'x'.repeat(16)}\r\n`),
          `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
        ];
        let i = 0;
        const next = () => {
          if (socket.destroyed) return;
          if (i < head.length) {
            socket.write(head[i++]);
            setTimeout(next, 40);
          } else socket.end(Buffer.from(body));
        };
        next();
      },
    });
    // ~1.2 s of headers against a 1 s idle timeout, never more than 40 ms without a byte: a 25x
    // margin, so a loaded machine's late timers cannot pass for a silent server.
    expectRecovered(ctx, await load(ctx, [m.url], { timeoutMs: 1000, retries: 0 }));
    expect(urls.server.requests(m.images)).toBe(1);
    return 'recovered (not cut)';
  },
);

urlCase(
  'redirect to ftp://, then the next mirror',
  'recovered (next mirror, not retried)',
  async (ctx) => {
    const a = mirror({ kind: 'redirect', location: 'ftp://127.0.0.1/file.gz' });
    const b = mirror();
    expectRecovered(ctx, await load(ctx, [a.url, b.url], { retries: 2 }));
    expect(urls.server.requests(a.images)).toBe(1);
    return 'recovered (next mirror, not retried)';
  },
);

const dnsSpec = {
  category: CATEGORY,
  name: 'unknown host (ENOTFOUND), then the next mirror',
  expected: 'recovered (next mirror, not retried)',
  descriptors: [fx.descriptor],
  noTemp: true,
};
it(dnsSpec.name, async (test) => {
  if (dnsUnavailable) {
    notProducible(dnsSpec, dnsUnavailable);
    test.skip();
    return;
  }
  await runCase(dnsSpec, async (ctx) => {
    const b = mirror();
    const events: LoadProgress[] = [];
    expectRecovered(
      ctx,
      await load(ctx, [`http://${UNKNOWN_HOST}/`, b.url], {
        retries: 3,
        onProgress: (p) => events.push(p),
      }),
    );
    // One attempt on the unknown host, so the next mirror's first attempt is number 2.
    const next = events.filter((e) => e.url === `${b.url}${IMAGES}`).map((e) => e.attempt);
    expect(Math.min(...next)).toBe(2);
    return 'recovered (next mirror, not retried)';
  });
});

urlCase(
  'mirror accepts and never answers, deadlineMs 1500',
  'TIMEOUT within the deadline, waiting reported',
  async (ctx) => {
    const silent: TestRoute = { kind: 'handler', handle: () => {} };
    const folder = urls.folder();
    const url = urls.server.mirror(
      folder,
      fixtureRoutes(fx, { [IMAGES]: silent, [FIXTURE_NAMES.trainLabels]: silent }),
    );
    const events: LoadProgress[] = [];
    const result = await load(ctx, [url], {
      timeoutMs: 60_000,
      deadlineMs: 1500,
      waitingIntervalMs: 250,
      onProgress: (p) => events.push(p),
    });
    const error = await rejection(Promise.reject(result.error));
    expect(error.code).toBe('TIMEOUT');
    expect(error.details.deadlineMs).toBe(1500);
    const waiting = events.filter((e) => e.phase === 'waiting');
    expect(waiting.length).toBeGreaterThan(0);
    ctx.facts.waitingEvents = waiting.length;
    return 'TIMEOUT within the deadline, waiting reported';
  },
);
