// `fmnist download` against a real HTTP server on 127.0.0.1 serving the real Fashion-MNIST
// files (and broken variants of them): mirrors, fallback, checksum rejection, timeouts, Ctrl-C.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { realDataDir, startTestServer, type TestRoute } from '@fmnist/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { FILES, fmnist, useRealMirror } from './helpers.ts';

const setup = useRealMirror('download');
let missing: string;
let corrupt: string;
let stalled: string;
let slow: string;

beforeAll(() => {
  // Nothing routed under /missing/: every file is a 404.
  missing = setup.server.url('missing/');
  // The real train images with one byte changed: right size, wrong sha256.
  const damaged = new Uint8Array(readFileSync(path.join(realDataDir('fashion-mnist'), FILES[0])));
  damaged[damaged.length >> 1] ^= 0xff;
  corrupt = setup.server.mirror('corrupt', { [FILES[0]]: { kind: 'bytes', body: damaged } });
  stalled = setup.server.mirror('stalled', {
    [FILES[0]]: { kind: 'stall', body: damaged, afterBytes: 1000 },
  });
  const drip: TestRoute = { kind: 'drip', body: damaged, chunkBytes: 16 * 1024, intervalMs: 50 };
  slow = setup.server.mirror('slow', { [FILES[0]]: drip });
});

const run = (
  args: string[],
  extra: Parameters<typeof fmnist>[1] extends infer O ? Partial<O> : never = {},
) =>
  fmnist(['download', '--retry-delay', '10', ...args], {
    cacheDir: setup.cacheDir,
    ...extra,
    env: { FMNIST_DATA_DIR: undefined, ...extra.env },
  });

function cached(): string[] {
  const folder = path.join(setup.cacheDir, 'fashion-mnist');
  return existsSync(folder) ? readdirSync(folder).sort() : [];
}

function expectCacheComplete(): void {
  expect(cached()).toEqual([...FILES].sort());
  for (const name of FILES) {
    const got = readFileSync(path.join(setup.cacheDir, 'fashion-mnist', name));
    expect(got.equals(readFileSync(path.join(realDataDir(), name)))).toBe(true);
  }
}

describe('fmnist download', () => {
  it('fetches all four files into the cache, with plain progress lines off a terminal', async () => {
    const r = await run(['--mirror', setup.good]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expectCacheComplete();
    for (const name of FILES) {
      expect(r.stdout).toContain(`${name}: downloading ${setup.good}${name}`);
      expect(r.stdout).toMatch(
        new RegExp(`${name.replace(/\./g, '\\.')}: done, [\\d.]+ [kM]?B in [\\d.]+ s.*sha256 ok`),
      );
    }
    expect(r.stdout).toMatch(/train-images-idx3-ubyte\.gz: 50% \(/);
    expect(r.stdout).not.toContain('\x1b[');
    expect(r.stdout).toContain(
      `All 4 files of Fashion-MNIST are in ${path.join(setup.cacheDir, 'fashion-mnist')}`,
    );

    // Read commands then use the cache (no data directory set).
    const verify = await fmnist(['verify'], {
      cacheDir: setup.cacheDir,
      env: { FMNIST_DATA_DIR: undefined },
    });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(path.join(setup.cacheDir, 'fashion-mnist', FILES[0]));

    // A second run finds valid copies and makes no request; --force downloads again.
    setup.server.resetCounts();
    const again = await run(['--mirror', setup.good]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already there with the right sha256');
    expect(setup.server.requests(`good/${FILES[0]}`)).toBe(0);
    const forced = await run(['--mirror', setup.good, '--force']);
    expect(forced.code).toBe(0);
    expect(setup.server.requests(`good/${FILES[0]}`)).toBe(1);
    expectCacheComplete();
  });

  it('falls back to the next mirror when one does not have the files; --data-dir is the destination', async () => {
    const dest = path.join(setup.work, 'data');
    const r = await run(['--mirror', missing, '--mirror', setup.good, '--data-dir', dest]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(setup.server.requests(`missing/${FILES[0]}`)).toBe(1);
    expect(setup.server.requests(`good/${FILES[0]}`)).toBe(1);
    expect(cached()).toEqual([]);
    expect(readdirSync(dest).sort()).toEqual([...FILES].sort());
    const verify = await fmnist(['verify', '--data-dir', dest], { cacheDir: setup.cacheDir });
    expect(verify.code).toBe(0);
  });

  it('rejects a mirror that serves a corrupt file and keeps nothing of it (exit 4)', async () => {
    const r = await run(['--mirror', corrupt]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^fmnist: Could not download train-images-idx3-ubyte\.gz .*sha256/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(cached()).toEqual([]);

    const fallback = await run(['--mirror', corrupt, '--mirror', setup.good]);
    expect(fallback.code).toBe(0);
    expect(setup.server.requests(`corrupt/${FILES[0]}`)).toBe(2);
    expectCacheComplete();
  });

  it('gives up on a stalled mirror after --timeout (exit 4)', async () => {
    const r = await run(['--mirror', stalled, '--timeout', '0.5', '--retries', '1']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(
      /Could not download train-images-idx3-ubyte\.gz after 2 attempt\(s\).*No data .* for 500 ms/,
    );
    expect(setup.server.requests(`stalled/${FILES[0]}`)).toBe(2);
    expect(cached()).toEqual([]);
  });

  it('reports an unreachable mirror (exit 4) and a malformed --mirror (exit 2)', async () => {
    const closed = await startTestServer();
    const url = closed.baseUrl;
    await closed.close();
    const r = await run(['--mirror', url, '--retries', '0']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('Could not download train-images-idx3-ubyte.gz');
    const bad = await run(['--mirror', 'ftp://example.org/']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "option '-m, --mirror <url>' argument 'ftp://example.org/' is invalid",
    );
  });

  it('stops on Ctrl-C with exit 130 and leaves no partial file in the cache', async () => {
    let sent = false;
    const r = await run(['--mirror', slow], {
      onSpawn: (child, output) => {
        // On the event, not after a guessed delay: the progress line says bytes are arriving.
        child.stdout?.on('data', () => {
          if (!sent && output().includes('downloading')) {
            sent = true;
            child.kill('SIGINT');
          }
        });
      },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/^fmnist: Download of train-images-idx3-ubyte\.gz interrupted/);
    expect(setup.server.bytesSent(`slow/${FILES[0]}`)).toBeGreaterThan(0);
    // No final file and no leftover temporary file.
    expect(cached()).toEqual([]);
  });
});
