// Retries (retryer.ts): the same mirror again after a transient failure, exponential backoff,
// the server's Retry-After, and aborting a wait; through downloadFile on real sockets, and the
// retry loop on its own.
import { downloadFile, FmnistError } from '@fmnist/core/node';
import type { TestRoute } from '@fmnist/test-utils';
import { describe, expect, it } from 'vitest';
import { AttemptError, backoffMs, parseRetryAfter, retrying } from '../src/retryer.ts';
import { expectSame, failure } from './helpers.ts';
import { body, fast, file, server, useMirrorServer } from './mirrorFixtures.ts';

useMirrorServer();

/**
 * A route that answers `status` and aborts `controller` once the answer is on the wire: the abort
 * follows the failure (an event), not a guess of how long it takes to arrive.
 */
function answerThenAbort(
  status: number,
  headers: Record<string, string>,
  controller: AbortController,
): TestRoute {
  return {
    kind: 'handler',
    handle: (_req, res) => {
      res.on('finish', () => controller.abort());
      res.writeHead(status, { ...headers, 'content-length': '0' }).end();
    },
  };
}

describe('retries in downloadFile', () => {
  it('retries a 500 on the same mirror and succeeds', async () => {
    const m = server.mirror('flaky', {
      'images.gz': {
        kind: 'sequence',
        routes: [
          { kind: 'status', status: 500 },
          { kind: 'status', status: 503 },
          { kind: 'bytes', body },
        ],
      },
    });
    expectSame(await downloadFile(file, { ...fast, mirrors: [m] }), body);
    expect(server.requests('/flaky/images.gz')).toBe(3);
  });

  it('aborts a backoff wait with ABORTED', async () => {
    const controller = new AbortController();
    const m = server.mirror('abort-backoff', {
      'images.gz': answerThenAbort(503, {}, controller),
    });
    // Ignoring the signal would wait the 10 min backoff: the test's timeout, not a clock, fails it.
    const error = await failure(
      downloadFile(file, {
        ...fast,
        retryDelayMs: 600_000,
        mirrors: [m],
        signal: controller.signal,
      }),
    );
    expect(error.code).toBe('ABORTED');
    expect(server.requests('/abort-backoff/images.gz')).toBe(1);
  });

  it('backs off exponentially between retries', async () => {
    const m = server.mirror('backoff', { 'images.gz': { kind: 'status', status: 500 } });
    const started = performance.now();
    await failure(downloadFile(file, { ...fast, retries: 3, retryDelayMs: 40, mirrors: [m] }));
    // At least half of 40 + 80 + 160 ms (jitter is 50-100%).
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(server.requests('/backoff/images.gz')).toBe(4);
  });

  it('waits for the Retry-After of a 503 before retrying, even with a short backoff', async () => {
    const m = server.mirror('retry-after', {
      'images.gz': {
        kind: 'sequence',
        routes: [
          { kind: 'status', status: 503, headers: { 'retry-after': '1' } },
          { kind: 'bytes', body },
        ],
      },
    });
    const started = performance.now();
    expectSame(await downloadFile(file, { ...fast, mirrors: [m] }), body);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests('/retry-after/images.gz')).toBe(2);
  });

  it('does not wait for a Retry-After beyond 30 s: the next mirror is tried at once', async () => {
    const a = server.mirror('retry-later', {
      'images.gz': { kind: 'status', status: 503, headers: { 'retry-after': '3600' } },
    });
    const b = server.mirror('retry-later-ok', { 'images.gz': { kind: 'bytes', body } });
    // No clock: the one-mirror case below shows that such a 503 is final at once (one attempt,
    // no retry after a capped wait), and a 1 h wait would run into the test's timeout.
    expectSame(await downloadFile(file, { ...fast, mirrors: [a, b] }), body);
    expect(server.requests('/retry-later/images.gz')).toBe(1);
    expect(server.requests('/retry-later-ok/images.gz')).toBe(1);

    const error = await failure(downloadFile(file, { ...fast, mirrors: [a] }));
    expect(error.code).toBe('DOWNLOAD_FAILED');
    expect(error.message).toMatch(/Retry-After 3600 s/);
    const attempts = error.details.attempts as { status?: number }[];
    expect(attempts).toHaveLength(1);
  });

  it('aborts a Retry-After wait with ABORTED', async () => {
    const controller = new AbortController();
    const m = server.mirror('retry-after-abort', {
      'images.gz': answerThenAbort(429, { 'retry-after': '25' }, controller),
    });
    // Ignoring the signal would retry after 25 s and end in DOWNLOAD_FAILED after more requests.
    const error = await failure(
      downloadFile(file, { ...fast, mirrors: [m], signal: controller.signal }),
    );
    expect(error.code).toBe('ABORTED');
    expect(server.requests('/retry-after-abort/images.gz')).toBe(1);
  });

  it('parses Retry-After as seconds or an HTTP-date, ignoring anything else', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0);
    for (const bad of [null, '', '-5', '1.5', 'soon', 'tomorrow']) {
      expect(parseRetryAfter(bad, now)).toBeUndefined();
    }
  });
});

describe('retrying', () => {
  const transient = () => new AttemptError(new FmnistError('DOWNLOAD_FAILED', 'flaky'), true);
  const final = () => new AttemptError(new FmnistError('NOT_FOUND', 'gone'), false, 404);
  const aborted = () => new FmnistError('ABORTED', 'stopped');

  it('retries retryable failures up to `retries` times, then reports the last one', async () => {
    const seen: string[] = [];
    let calls = 0;
    const result = await retrying(
      async () => {
        calls += 1;
        throw transient();
      },
      { retries: 2, retryDelayMs: 1, aborted, onFailure: (f) => seen.push(f.error.code) },
    );
    expect(calls).toBe(3);
    expect(seen).toEqual(['DOWNLOAD_FAILED', 'DOWNLOAD_FAILED', 'DOWNLOAD_FAILED']);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.failure.error.message).toBe('flaky');
  });

  it('stops at a failure that is not retryable, and returns the first success', async () => {
    let calls = 0;
    const stopped = await retrying(
      async () => {
        calls += 1;
        throw final();
      },
      { retries: 5, retryDelayMs: 1, aborted },
    );
    expect(calls).toBe(1);
    expect(!stopped.ok && stopped.failure.status).toBe(404);
    let tries = 0;
    const ok = await retrying(
      async () => {
        tries += 1;
        if (tries < 2) throw transient();
        return 'done';
      },
      { retries: 5, retryDelayMs: 1, aborted },
    );
    expect(ok).toEqual({ ok: true, value: 'done' });
    expect(tries).toBe(2);
  });

  it('lets other errors through at once, and rejects with aborted() once the signal fired', async () => {
    const boom = new Error('bug');
    await expect(
      retrying(
        async () => {
          throw boom;
        },
        { retries: 3, retryDelayMs: 1, aborted },
      ),
    ).rejects.toBe(boom);
    const controller = new AbortController();
    const error = await failure(
      retrying(
        async () => {
          controller.abort();
          throw transient();
        },
        { retries: 3, retryDelayMs: 1, signal: controller.signal, aborted },
      ),
    );
    expect(error.code).toBe('ABORTED');
  });

  it('waits at least the Retry-After a failure carries', async () => {
    let calls = 0;
    const started = performance.now();
    await retrying(
      async () => {
        calls += 1;
        if (calls === 1) {
          throw new AttemptError(new FmnistError('DOWNLOAD_FAILED', '503'), true, 503, 200);
        }
        return calls;
      },
      { retries: 1, retryDelayMs: 1, aborted },
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('randomises the backoff to 50-100% of base * 2^(n-1), capped at 30 s', () => {
    for (let i = 0; i < 50; i++) {
      const third = backoffMs(100, 3);
      expect(third).toBeGreaterThanOrEqual(200);
      expect(third).toBeLessThanOrEqual(400);
      expect(backoffMs(1000, 20)).toBeLessThanOrEqual(30_000);
    }
  });
});
