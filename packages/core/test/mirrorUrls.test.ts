// Mirror URLs and silent mirrors against a real 127.0.0.1 server: credentials refused and never shown, query strings kept, a 206 without Range retried, a redirect off http(s) final, DNS failures not retried, slow headers not cut, waiting events and the deadline.
import type { ServerResponse } from 'node:http';
import {
  downloadFile,
  isFmnistError,
  type LoadProgress,
  loadDataset,
  memoryCache,
  mirrorFileUrl,
  redactUrl,
} from '@fmnist/core/node';
import { describe, expect, it } from 'vitest';
import { expectSame, failure } from './helpers.ts';
import { descriptor, platformWith } from './loadFixtures.ts';
import { body, fast, file, server, useMirrorServer } from './mirrorFixtures.ts';

useMirrorServer();

/** Writes a response by hand: the status line and headers one line every `gapMs`, then the body. */
function slowHeaders(res: ServerResponse, bytes: Uint8Array, lines: number, gapMs: number): void {
  const socket = res.socket!;
  const head = [
    'HTTP/1.1 200 OK\r\n',
    ...Array.from({ length: lines }, (_, i) => `X-Slow-${i}: ${'x'.repeat(20)}\r\n`),
    `Content-Length: ${bytes.length}\r\n`,
    'Connection: close\r\n',
    '\r\n',
  ];
  let i = 0;
  const next = () => {
    if (socket.destroyed) return;
    if (i < head.length) {
      socket.write(head[i++]);
      setTimeout(next, gapMs);
    } else {
      socket.end(Buffer.from(bytes));
    }
  };
  next();
}

describe('mirror URLs', () => {
  it('keeps a query string when joining the file name', async () => {
    expect(mirrorFileUrl('https://h.example/d/?sig=a%2Fb&x=1', 'f.gz')?.href).toBe(
      'https://h.example/d/f.gz?sig=a%2Fb&x=1',
    );
    expect(mirrorFileUrl('https://h.example/d?t=1#frag', 'f.gz')?.href).toBe(
      'https://h.example/d/f.gz?t=1',
    );
    const seen: string[] = [];
    server.route('/signed/images.gz', {
      kind: 'handler',
      handle: (req, res) => {
        seen.push(req.url ?? '');
        res.writeHead(200, { 'content-length': body.length }).end(Buffer.from(body));
      },
    });
    const bytes = await downloadFile(file, {
      ...fast,
      mirrors: [server.url('signed/?token=s3cr3t')],
    });
    expectSame(bytes, body);
    expect(seen).toEqual(['/signed/images.gz?token=s3cr3t']);
  });

  it('refuses credentials in a mirror URL up front and never prints them', async () => {
    const m = server.mirror('creds', { 'images.gz': { kind: 'bytes', body } });
    const withCreds = m.replace('http://', 'http://alice:hunter2@');
    for (const call of [
      () => downloadFile(file, { ...fast, mirrors: [withCreds] }),
      () =>
        loadDataset({
          dataset: descriptor('creds'),
          mirrors: [withCreds],
          platform: platformWith(),
          cache: memoryCache(),
        }),
    ]) {
      const error = await failure(call());
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain('credentials');
      expect(JSON.stringify([error.message, error.details])).not.toMatch(/alice|hunter2/);
    }
    expect(server.requests('/creds/images.gz')).toBe(0);
    expect(redactUrl('https://u:p@h.example/x')).toBe('https://***@h.example/x');
  });

  it('retries a 206 answer to a request without Range as a protocol error', async () => {
    const m = server.mirror('partial', {
      'images.gz': {
        kind: 'sequence',
        routes: [
          { kind: 'bytes', status: 206, body: body.subarray(0, 100) },
          { kind: 'bytes', body },
        ],
      },
    });
    expectSame(await downloadFile(file, { ...fast, mirrors: [m] }), body);
    expect(server.requests('/partial/images.gz')).toBe(2);
    const always = server.mirror('partial-always', {
      'images.gz': { kind: 'bytes', status: 206, body },
    });
    const error = await failure(downloadFile(file, { ...fast, retries: 1, mirrors: [always] }));
    expect(error.code).toBe('DOWNLOAD_FAILED');
    expect(error.message).toMatch(/206 Partial Content/);
    expect((error.details.attempts as { status?: number }[]).map((a) => a.status)).toEqual([
      206, 206,
    ]);
  });

  it('does not retry a redirect to a non-http scheme, and moves on to the next mirror', async () => {
    const a = server.mirror('to-ftp', {
      'images.gz': { kind: 'redirect', location: 'ftp://127.0.0.1/images.gz' },
    });
    const b = server.mirror('after-ftp', { 'images.gz': { kind: 'bytes', body } });
    expectSame(await downloadFile(file, { ...fast, retries: 2, mirrors: [a, b] }), body);
    expect(server.requests('/to-ftp/images.gz')).toBe(1);
    const error = await failure(downloadFile(file, { ...fast, retries: 2, mirrors: [a] }));
    expect(error.message).toMatch(/not http\(s\)/);
    expect(server.requests('/to-ftp/images.gz')).toBe(2);
  });

  it('does not retry ENOTFOUND (DNS), but does retry other network errors', async () => {
    let calls = 0;
    const dnsFailure: typeof globalThis.fetch = async () => {
      calls++;
      const cause = Object.assign(new Error('getaddrinfo ENOTFOUND mirror.invalid'), {
        code: 'ENOTFOUND',
      });
      throw new TypeError('fetch failed', { cause });
    };
    const error = await failure(
      downloadFile(file, {
        ...fast,
        retries: 3,
        mirrors: ['https://mirror.invalid/'],
        fetch: dnsFailure,
      }),
    );
    expect(calls).toBe(1);
    expect(error.message).toContain('ENOTFOUND');
    calls = 0;
    const reset: typeof globalThis.fetch = async () => {
      calls++;
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
      });
    };
    await failure(
      downloadFile(file, { ...fast, retries: 2, mirrors: ['https://m.example/'], fetch: reset }),
    );
    expect(calls).toBe(3);
  });
});

describe('slow and silent mirrors', () => {
  it('does not cut a header phase that is slow but moving', async () => {
    // 30 header lines 40 ms apart: ~1.3 s of headers against a 1 s idle timeout, never more than
    // 40 ms without a byte (a 25x margin for a loaded machine's late timers).
    server.route('/slow-headers/images.gz', {
      kind: 'handler',
      handle: (_req, res) => slowHeaders(res, body, 30, 40),
    });
    const bytes = await downloadFile(file, {
      ...fast,
      timeoutMs: 1000,
      retries: 0,
      mirrors: [server.url('slow-headers/')],
    });
    expectSame(bytes, body);
  });

  it('reports waiting events while a mirror says nothing, with the URL and the time waited', async () => {
    const m = server.mirror('mute', { 'images.gz': { kind: 'handler', handle: () => {} } });
    const events: LoadProgress[] = [];
    const error = await failure(
      downloadFile(file, {
        ...fast,
        timeoutMs: 1000,
        waitingIntervalMs: 100,
        retries: 0,
        mirrors: [m],
        onProgress: (p) => events.push(p),
      }),
    );
    expect(isFmnistError(error.cause, 'TIMEOUT')).toBe(true);
    const waiting = events.filter((e) => e.phase === 'waiting');
    expect(waiting.length).toBeGreaterThanOrEqual(3);
    expect(waiting.every((e) => e.url === `${m}images.gz` && e.file === 'images.gz')).toBe(true);
    const waited = waiting.map((e) => e.waitedMs!);
    expect(waited).toEqual([...waited].sort((x, y) => x - y));
    expect(waited[0]).toBeGreaterThanOrEqual(90);
  });

  it('ends a load from a never-answering mirror within deadlineMs with TIMEOUT', async () => {
    const m = server.mirror('never', {
      'train-images.gz': { kind: 'handler', handle: () => {} },
      'train-labels.gz': { kind: 'handler', handle: () => {} },
    });
    const events: LoadProgress[] = [];
    const error = await failure(
      loadDataset({
        dataset: descriptor('never', [m]),
        platform: platformWith(),
        cache: memoryCache(),
        // Without the cap this would take 3 attempts x 60 s per file.
        timeoutMs: 60_000,
        retryDelayMs: 1,
        deadlineMs: 400,
        waitingIntervalMs: 100,
        onProgress: (p) => events.push(p),
      }),
    );
    expect(error.code).toBe('TIMEOUT');
    expect(error.details.deadlineMs).toBe(400);
    expect(error.message).toMatch(/deadline/);
    expect(events.some((e) => e.phase === 'waiting')).toBe(true);
    // Both requests were cancelled: the server saw them, and nothing is still waiting.
    expect(server.requests('/never/train-images.gz')).toBe(1);
  });

  it('caps downloadFile with deadlineMs too, and refuses a bad value', async () => {
    const m = server.mirror('never2', { 'images.gz': { kind: 'handler', handle: () => {} } });
    const error = await failure(
      downloadFile(file, { ...fast, timeoutMs: 60_000, deadlineMs: 300, mirrors: [m] }),
    );
    expect(error.code).toBe('TIMEOUT');
    expect(error.details).toMatchObject({ deadlineMs: 300, file: 'images.gz' });
    for (const deadlineMs of [0, -1, Number.NaN]) {
      const bad = await failure(downloadFile(file, { ...fast, deadlineMs, mirrors: [m] }));
      expect(bad.code).toBe('INVALID_ARGUMENT');
    }
  });
});
