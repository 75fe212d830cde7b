// downloadFile against a real 127.0.0.1 server and the real global fetch: every fault here
// (404, cut connection, stall, lying Content-Length, wrong file) happens on real sockets. The
// mirror loop (download.ts) and one attempt (fetchAttempt.ts); retries are in retryer.test.ts.
import {
  type DatasetFile,
  downloadFile,
  isFmnistError,
  type LoadProgress,
} from '@fmnist/core/node';
import { makeDatasetFiles } from '@fmnist/test-utils';
import { describe, expect, it } from 'vitest';
import { expectSame, failure, sha256 } from './helpers.ts';
import { body, fast, file, server, useMirrorServer, wrongBody } from './mirrorFixtures.ts';

useMirrorServer();

describe('downloadFile', () => {
  it('falls back to the next mirror when the first answers 404, without retrying the 404', async () => {
    const a = server.mirror('m404', {});
    const b = server.mirror('mok', { 'images.gz': { kind: 'bytes', body } });
    const bytes = await downloadFile(file, { ...fast, mirrors: [a, b] });
    expectSame(bytes, body);
    expect(server.requests('/m404/images.gz')).toBe(1);
    expect(server.requests('/mok/images.gz')).toBe(1);
  });

  it('fails with DOWNLOAD_FAILED listing every URL and reason, cause = last error', async () => {
    const a = server.mirror('down500', { 'images.gz': { kind: 'status', status: 500 } });
    const b = server.mirror('down404', {});
    const error = await failure(downloadFile(file, { ...fast, retries: 1, mirrors: [a, b] }));
    expect(error.code).toBe('DOWNLOAD_FAILED');
    const attempts = error.details.attempts as { url: string; status?: number; code: string }[];
    expect(attempts.map((x) => [x.url, x.status])).toEqual([
      [`${a}images.gz`, 500],
      [`${a}images.gz`, 500],
      [`${b}images.gz`, 404],
    ]);
    expect(error.message).toContain(`${a}images.gz`);
    expect(error.message).toContain(`${b}images.gz`);
    expect(isFmnistError(error.cause, 'NOT_FOUND')).toBe(true);
    expect(server.requests('/down500/images.gz')).toBe(2);
  });

  it('retries after the connection is cut mid-body', async () => {
    const m = server.mirror('cut', {
      'images.gz': {
        kind: 'sequence',
        routes: [
          { kind: 'cut', body, afterBytes: 100 },
          { kind: 'bytes', body },
        ],
      },
    });
    expectSame(await downloadFile(file, { ...fast, mirrors: [m] }), body);
    expect(server.requests('/cut/images.gz')).toBe(2);
    expect(server.bytesSent('/cut/images.gz')).toBe(100 + body.length);
  });

  it('fails a stalled body with TIMEOUT and moves on to the next mirror', async () => {
    const a = server.mirror('stall', { 'images.gz': { kind: 'stall', body, afterBytes: 100 } });
    const b = server.mirror('after-stall', { 'images.gz': { kind: 'bytes', body } });
    const progress: LoadProgress[] = [];
    // The stall never ends: only the idle timeout gets the load to the second mirror.
    const bytes = await downloadFile(file, {
      ...fast,
      timeoutMs: 200,
      retries: 0,
      mirrors: [a, b],
      onProgress: (p) => progress.push(p),
    });
    expectSame(bytes, body);
    expect(new Set(progress.map((p) => p.url))).toEqual(
      new Set([`${a}images.gz`, `${b}images.gz`]),
    );

    const error = await failure(
      downloadFile(file, { ...fast, timeoutMs: 150, retries: 1, mirrors: [a] }),
    );
    expect(error.code).toBe('DOWNLOAD_FAILED');
    expect(isFmnistError(error.cause, 'TIMEOUT')).toBe(true);
    expect((error.details.attempts as { code: string }[]).map((x) => x.code)).toEqual([
      'TIMEOUT',
      'TIMEOUT',
    ]);
  });

  it('times out a server that never sends headers', async () => {
    const m = server.mirror('silent', { 'images.gz': { kind: 'handler', handle: () => {} } });
    const error = await failure(
      downloadFile(file, { ...fast, timeoutMs: 150, retries: 0, mirrors: [m] }),
    );
    expect(isFmnistError(error.cause, 'TIMEOUT')).toBe(true);
  });

  it('does not time out a slow download that keeps sending bytes', async () => {
    const m = server.mirror('drip', {
      'images.gz': { kind: 'drip', body, chunkBytes: Math.ceil(body.length / 30), intervalMs: 50 },
    });
    // About 1.5 s in total, more than the 1 s idle timeout, but never more than 50 ms without a
    // byte: a 20x margin, so a loaded machine's late timers cannot fake a stall.
    const started = performance.now();
    expectSame(
      await downloadFile(file, { ...fast, timeoutMs: 1000, retries: 0, mirrors: [m] }),
      body,
    );
    expect(server.requests('/drip/images.gz')).toBe(1);
    expect(performance.now() - started).toBeGreaterThan(1000);
  });

  it('rejects a wrong body with CHECKSUM_MISMATCH naming file, expected and actual sha256', async () => {
    const a = server.mirror('wrong', { 'images.gz': { kind: 'bytes', body: wrongBody } });
    const b = server.mirror('wrong404', {});
    const error = await failure(downloadFile(file, { ...fast, mirrors: [a, b] }));
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(error.message).toContain('images.gz');
    expect(error.message).toContain(file.sha256);
    expect(error.message).toContain(sha256(wrongBody));
    expect(error.details).toMatchObject({ expected: file.sha256, actual: sha256(wrongBody) });
    expect((error.details.attempts as unknown[]).length).toBe(2);
    // A wrong file is not fetched again from the same mirror.
    expect(server.requests('/wrong/images.gz')).toBe(1);
  });

  it('uses the next mirror when one serves a wrong file', async () => {
    const a = server.mirror('wrong2', { 'images.gz': { kind: 'bytes', body: wrongBody } });
    const b = server.mirror('right2', { 'images.gz': { kind: 'bytes', body } });
    expectSame(await downloadFile(file, { ...fast, mirrors: [a, b] }), body);
  });

  it('treats a body shorter than its Content-Length as a failed attempt and retries', async () => {
    const m = server.mirror('short', {
      'images.gz': {
        kind: 'sequence',
        routes: [
          { kind: 'badLength', body: body.subarray(0, 50), contentLength: body.length },
          { kind: 'bytes', body },
        ],
      },
    });
    expectSame(await downloadFile(file, { ...fast, mirrors: [m] }), body);
    expect(server.requests('/short/images.gz')).toBe(2);
  });

  it('never accepts a body cut short by a too-small Content-Length', async () => {
    const a = server.mirror('long', {
      'images.gz': { kind: 'badLength', body, contentLength: body.length - 10 },
    });
    const b = server.mirror('long-ok', { 'images.gz': { kind: 'bytes', body } });
    expectSame(await downloadFile(file, { ...fast, mirrors: [a, b] }), body);
    const error = await failure(downloadFile(file, { ...fast, mirrors: [a] }));
    expect(error.code).toBe('CHECKSUM_MISMATCH');
  });

  it('stops reading a body far larger than the file and tries the next mirror', async () => {
    const huge = new Uint8Array(body.length * 2 + 2 * 1024 * 1024);
    const a = server.mirror('huge', { 'images.gz': { kind: 'bytes', body: huge } });
    const b = server.mirror('huge-ok', { 'images.gz': { kind: 'bytes', body } });
    expectSame(await downloadFile(file, { ...fast, mirrors: [a, b] }), body);
    expect(server.requests('/huge/images.gz')).toBe(1);
  });

  it('follows redirects', async () => {
    server.route('/real/images.gz', { kind: 'bytes', body });
    const m = server.mirror('moved', {
      'images.gz': { kind: 'redirect', location: '/real/images.gz' },
    });
    expectSame(await downloadFile(file, { ...fast, mirrors: [m] }), body);
    expect(server.requests('/real/images.gz')).toBe(1);
  });

  it('aborts an in-flight request quickly with ABORTED', async () => {
    const m = server.mirror('abort', { 'images.gz': { kind: 'stall', body, afterBytes: 10 } });
    const controller = new AbortController();
    // Aborted once the first bytes are in (so the request is in flight); ignoring the signal
    // would wait for the 10 min idle timeout, which the test's own timeout turns into a failure.
    const error = await failure(
      downloadFile(file, {
        ...fast,
        timeoutMs: 600_000,
        mirrors: [m],
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase === 'download' && p.loaded > 0) controller.abort(new Error('user gave up'));
        },
      }),
    );
    expect(error.code).toBe('ABORTED');
    expect((error.cause as Error).message).toBe('user gave up');
    expect(server.requests('/abort/images.gz')).toBe(1);
  });

  it('does not even start when the signal is already aborted', async () => {
    const m = server.mirror('pre-aborted', { 'images.gz': { kind: 'bytes', body } });
    const error = await failure(
      downloadFile(file, { ...fast, mirrors: [m], signal: AbortSignal.abort() }),
    );
    expect(error.code).toBe('ABORTED');
    expect(server.requests('/pre-aborted/images.gz')).toBe(0);
  });

  it('reports monotonic progress ending at the total, then verification', async () => {
    const big = makeDatasetFiles({ count: 400, seed: 3 }).imagesIdx; // raw: ~300 kB, many chunks
    const bigFile: DatasetFile = { name: 'big.idx', bytes: big.length, sha256: sha256(big) };
    const m = server.mirror('progress', {
      'big.idx': { kind: 'drip', body: big, chunkBytes: 64 * 1024, intervalMs: 5 },
    });
    const events: LoadProgress[] = [];
    await downloadFile(bigFile, {
      ...fast,
      mirrors: [m],
      onProgress: (p) => {
        events.push({ ...p });
        throw new Error('a broken progress bar must not matter');
      },
    });
    const download = events.filter((e) => e.phase === 'download');
    expect(download.length).toBeGreaterThan(3);
    for (let i = 1; i < download.length; i++) {
      expect(download[i].loaded).toBeGreaterThanOrEqual(download[i - 1].loaded);
    }
    expect(download.every((e) => e.total === big.length && e.attempt === 1)).toBe(true);
    expect(download.at(-1)!.loaded).toBe(big.length);
    expect(events.at(-1)).toMatchObject({ phase: 'verify', loaded: big.length, total: big.length });
  });

  it('refuses plain-http mirrors for a file without a sha256 unless allowed', async () => {
    const unsigned: DatasetFile = { name: 'images.gz', bytes: body.length };
    const m = server.mirror('insecure', { 'images.gz': { kind: 'bytes', body } });
    const error = await failure(downloadFile(unsigned, { ...fast, mirrors: [m] }));
    expect(error.code).toBe('DOWNLOAD_FAILED');
    expect(error.message).toMatch(/non-https/);
    expect(server.requests('/insecure/images.gz')).toBe(0);
    expectSame(await downloadFile(unsigned, { ...fast, mirrors: [m], allowInsecure: true }), body);
    // Without a checksum the size is still checked.
    const wrongSize = await failure(
      downloadFile(
        { ...unsigned, bytes: body.length + 1 },
        { ...fast, mirrors: [m], allowInsecure: true },
      ),
    );
    expect(wrongSize.code).toBe('CHECKSUM_MISMATCH');
  });

  it('does not retry a redirect loop on the same mirror', async () => {
    server.route('/loop/a/images.gz', { kind: 'redirect', location: '/loop/b/images.gz' });
    server.route('/loop/b/images.gz', { kind: 'redirect', location: '/loop/a/images.gz' });
    const ok = server.mirror('loop-ok', { 'images.gz': { kind: 'bytes', body } });
    expectSame(await downloadFile(file, { ...fast, mirrors: [server.url('/loop/a/'), ok] }), body);
    // One attempt: fetch follows the loop up to its redirect limit (20), then gives up.
    expect(server.requests('/loop/a/images.gz')).toBeLessThanOrEqual(11);
  });

  it('uses options.fetch and validates its options', async () => {
    const m = server.mirror('custom-fetch', { 'images.gz': { kind: 'bytes', body } });
    const seen: string[] = [];
    const bytes = await downloadFile(file, {
      ...fast,
      mirrors: [m],
      fetch: (input, init) => {
        seen.push(String(input));
        return fetch(input, init);
      },
    });
    expectSame(bytes, body);
    expect(seen).toEqual([`${m}images.gz`]);
    expect((await failure(downloadFile(file, { ...fast, mirrors: [] }))).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect((await failure(downloadFile(file, { ...fast, mirrors: [m], retries: -1 }))).code).toBe(
      'INVALID_ARGUMENT',
    );
  });
});
