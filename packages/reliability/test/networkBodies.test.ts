// Network faults (core), broken bodies: resets, stalls, drips, wrong Content-Length, HTML pages and endless bodies, through loadDataset with an fsCache; no file may pass for valid without being valid.
import type { TestRoute } from '@fmnist/test-utils';
import { expect } from 'vitest';
import { fixtureDataset, threeAttempts, useMirrorLoads } from '../src/index.ts';

const net = useMirrorLoads(fixtureDataset('rel-net', { count: 200, seed: 3 }), {
  category: 'network (core)',
});
const { body, expectFailed, expectRecovered, load, loadCase, mirror, server, thenServe } = net;

/** A broken body once, then the good file: the retry must recover it with a second request. */
function recoversOnRetry(name: string, route: TestRoute) {
  loadCase(name, 'recovered (retry)', async (ctx) => {
    const a = mirror(thenServe(route));
    expectRecovered(ctx, await load(ctx, [a.url]));
    expect(server.requests(a.images)).toBe(2);
    return 'recovered (retry)';
  });
}

/** A broken body on every attempt: DOWNLOAD_FAILED after three (`requests` checked when given). */
function failsEveryAttempt(name: string, route: TestRoute, requests?: number) {
  loadCase(name, 'DOWNLOAD_FAILED (attempts: DOWNLOAD_FAILED x3)', async (ctx) => {
    const a = mirror(route);
    const outcome = await expectFailed(ctx, await load(ctx, [a.url]), 'DOWNLOAD_FAILED');
    if (requests !== undefined) expect(server.requests(a.images)).toBe(requests);
    return threeAttempts(outcome);
  });
}

recoversOnRetry('connection reset mid-body, then 200', {
  kind: 'cut',
  body,
  afterBytes: body.length >> 1,
});
failsEveryAttempt(
  'connection reset mid-body on every attempt',
  { kind: 'cut', body, afterBytes: 4096 },
  3,
);

loadCase(
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

loadCase('stalled body on the only mirror', 'DOWNLOAD_FAILED (attempts: TIMEOUT)', async (ctx) => {
  const a = mirror({ kind: 'stall', body, afterBytes: 4096 });
  const result = await load(ctx, [a.url], { timeoutMs: 300, retries: 0 });
  // No clock: the stall never ends, so only the idle timeout can end this load.
  return expectFailed(ctx, result, 'DOWNLOAD_FAILED');
});

loadCase('server never sends headers', 'DOWNLOAD_FAILED (attempts: TIMEOUT)', async (ctx) => {
  const a = mirror({ kind: 'handler', handle: () => undefined });
  const result = await load(ctx, [a.url], { timeoutMs: 300, retries: 0 });
  return expectFailed(ctx, result, 'DOWNLOAD_FAILED');
});

loadCase(
  'slow drip (4 kB every 40 ms, longer than the idle timeout in total)',
  'recovered (no timeout, one request)',
  async (ctx) => {
    const a = mirror({ kind: 'drip', body, chunkBytes: 4096, intervalMs: 40 });
    // Never more than 40 ms without a byte against a 1 s idle timeout (a 25x margin for a loaded
    // machine), and longer than that timeout in total.
    const result = await load(ctx, [a.url], { timeoutMs: 1000 });
    expectRecovered(ctx, result);
    expect(result.ms).toBeGreaterThan(1000);
    expect(server.requests(a.images)).toBe(1);
    ctx.facts.ms = Math.round(result.ms);
    return 'recovered (no timeout, one request)';
  },
);

const shortLength: TestRoute = { kind: 'badLength', body, contentLength: body.length - 1000 };
const longLength: TestRoute = { kind: 'badLength', body, contentLength: body.length + 1000 };

loadCase(
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

loadCase(
  'Content-Length shorter than the body, next mirror',
  'recovered (next mirror)',
  async (ctx) => {
    const a = mirror(shortLength);
    const b = mirror();
    expectRecovered(ctx, await load(ctx, [a.url, b.url]));
    return 'recovered (next mirror)';
  },
);

recoversOnRetry('Content-Length longer than the body, then 200', longLength);
failsEveryAttempt('Content-Length longer than the body on every attempt', longLength);

const htmlPage: TestRoute = {
  kind: 'bytes',
  body: new TextEncoder().encode(
    '<!doctype html><html><head><title>503</title></head><body><h1>Service temporarily unavailable</h1></body></html>\n',
  ),
  headers: { 'content-type': 'text/html; charset=utf-8' },
};

loadCase(
  'HTML error page with status 200, only mirror',
  'CHECKSUM_MISMATCH (attempts: CHECKSUM_MISMATCH)',
  async (ctx) => {
    const a = mirror(htmlPage);
    return expectFailed(ctx, await load(ctx, [a.url]), 'CHECKSUM_MISMATCH');
  },
);

loadCase('HTML error page with status 200, next mirror', 'recovered (next mirror)', async (ctx) => {
  const a = mirror(htmlPage);
  const b = mirror();
  expectRecovered(ctx, await load(ctx, [a.url, b.url]));
  expect(server.requests(a.images)).toBe(1);
  return 'recovered (next mirror)';
});

loadCase(
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
