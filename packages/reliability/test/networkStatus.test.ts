// Network faults (core), HTTP statuses: 404, 500 and 503 (with Retry-After) from the mirrors, through loadDataset with an fsCache; the cache must hold no file that passes for valid without being valid.
import { expect } from 'vitest';
import { fixtureDataset, threeAttempts, useMirrorLoads } from '../src/index.ts';

const net = useMirrorLoads(fixtureDataset('rel-net', { count: 200, seed: 3 }), {
  category: 'network (core)',
});
const { expectFailed, expectRecovered, load, loadCase, mirror, server, thenServe } = net;

loadCase('404, then the next mirror', 'recovered (next mirror)', async (ctx) => {
  const a = mirror({ kind: 'status', status: 404 });
  const b = mirror();
  expectRecovered(ctx, await load(ctx, [a.url, b.url]));
  expect(server.requests(a.images)).toBe(1);
  ctx.facts.requests404 = server.requests(a.images);
  return 'recovered (next mirror)';
});

loadCase('404 on every mirror', 'DOWNLOAD_FAILED (attempts: NOT_FOUND, NOT_FOUND)', async (ctx) => {
  const a = mirror({ kind: 'status', status: 404 });
  const b = mirror({ kind: 'status', status: 404 });
  const outcome = await expectFailed(ctx, await load(ctx, [a.url, b.url]), 'DOWNLOAD_FAILED');
  // A 404 is not retried.
  expect([server.requests(a.images), server.requests(b.images)]).toEqual([1, 1]);
  return outcome;
});

loadCase('500, then 200', 'recovered (retry)', async (ctx) => {
  const a = mirror(thenServe({ kind: 'status', status: 500 }));
  expectRecovered(ctx, await load(ctx, [a.url]));
  expect(server.requests(a.images)).toBe(2);
  ctx.facts.requests = 2;
  return 'recovered (retry)';
});

loadCase(
  '500 on every attempt (2 retries)',
  'DOWNLOAD_FAILED (attempts: DOWNLOAD_FAILED x3)',
  async (ctx) => {
    const a = mirror({ kind: 'status', status: 500 });
    const outcome = await expectFailed(ctx, await load(ctx, [a.url]), 'DOWNLOAD_FAILED');
    expect(server.requests(a.images)).toBe(3);
    return threeAttempts(outcome);
  },
);

loadCase('503 with Retry-After: 1, then 200', 'recovered (retry after >= 1 s)', async (ctx) => {
  const a = mirror(thenServe({ kind: 'status', status: 503, headers: { 'retry-after': '1' } }));
  const result = await load(ctx, [a.url]);
  expectRecovered(ctx, result);
  // The backoff alone (retryDelayMs 5) would have retried after a few ms.
  expect(result.ms).toBeGreaterThanOrEqual(950);
  expect(server.requests(a.images)).toBe(2);
  ctx.facts.ms = Math.round(result.ms);
  return 'recovered (retry after >= 1 s)';
});

loadCase(
  '503 with Retry-After: 3600, next mirror',
  'recovered (next mirror at once, no 1 h wait)',
  async (ctx) => {
    const a = mirror({ kind: 'status', status: 503, headers: { 'retry-after': '3600' } });
    const b = mirror();
    const result = await load(ctx, [a.url, b.url]);
    // No clock: a 1 h wait would run into the case's timeout; one request means no retry.
    expectRecovered(ctx, result);
    expect(server.requests(a.images)).toBe(1);
    ctx.facts.ms = Math.round(result.ms);
    return 'recovered (next mirror at once, no 1 h wait)';
  },
);
