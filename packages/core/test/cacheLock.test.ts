// fsCache's cross-process lock: one holder at a time, waiters woken when it lets go, stale locks (dead pid, silent heartbeat) broken, and no lock where none can be made.
import { mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fsCache } from '@fmnist/core/node';
import { describe, expect, it } from 'vitest';
import { tmp, useServerAndTmp } from './loadFixtures.ts';

useServerAndTmp();

const KEY = 'lock-test/file.gz';
const lockFile = (cacheDir: string) => path.join(cacheDir, 'lock-test', 'file.gz.lock.tmp');
const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

describe('fsCache lock', () => {
  it('lets one holder in; a waiter gets in when it releases, or learns the entry is there', async () => {
    const cacheDir = path.join(tmp, 'cache');
    const cache = fsCache(cacheDir, { lock: { pollMs: 20 } });
    const first = await cache.lock!(KEY);
    expect(first).toMatchObject({ filled: false, waited: false });
    const info = JSON.parse(await readFile(lockFile(cacheDir), 'utf8'));
    expect(info.pid).toBe(process.pid);

    const second = cache.lock!(KEY, { ready: async () => false });
    await first!.release();
    const taken = await second;
    expect(taken).toMatchObject({ filled: false, waited: true });
    // A waiter behind it is told, once it lets go, that the entry is there now.
    const third = cache.lock!(KEY, { ready: async () => true });
    await taken!.release();
    expect(await third).toMatchObject({ filled: true, waited: true });
    expect(await exists(lockFile(cacheDir))).toBe(false);
  });

  it('breaks a lock whose holder is dead, and one whose heartbeat stopped', async () => {
    const cacheDir = path.join(tmp, 'cache');
    await mkdir(path.join(cacheDir, 'lock-test'), { recursive: true });
    const os = await import('node:os');
    await writeFile(
      lockFile(cacheDir),
      JSON.stringify({ pid: 999_999_999, host: os.hostname(), token: 'dead' }),
    );
    const cache = fsCache(cacheDir, { lock: { pollMs: 20, staleMs: 60_000 } });
    const lease = await cache.lock!(KEY);
    expect(lease).toMatchObject({ filled: false, waited: true });
    await lease!.release();

    // A live pid (ours) on another host, with an old mtime: silent for longer than staleMs.
    await writeFile(
      lockFile(cacheDir),
      JSON.stringify({ pid: process.pid, host: 'elsewhere', token: 'silent' }),
    );
    const old = new Date(Date.now() - 120_000);
    await utimes(lockFile(cacheDir), old, old);
    const fresh = fsCache(cacheDir, { lock: { pollMs: 20, staleMs: 30_000 } });
    const again = await fresh.lock!(KEY);
    expect(again).toMatchObject({ filled: false, waited: true });
    await again!.release();
  });

  it('keeps the holder fresh with a heartbeat', async () => {
    const cacheDir = path.join(tmp, 'cache');
    const cache = fsCache(cacheDir, { lock: { heartbeatMs: 20 } });
    const lease = await cache.lock!(KEY);
    const before = (await stat(lockFile(cacheDir))).mtimeMs;
    const old = new Date(before - 60_000);
    await utimes(lockFile(cacheDir), old, old);
    // Event-driven: wait until the heartbeat has touched it again (bounded by the test timeout).
    for (;;) {
      if ((await stat(lockFile(cacheDir))).mtimeMs > old.getTime() + 1000) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await lease!.release();
  });

  it('degrades to no lock where none can be made, and can be turned off', async () => {
    const blocker = path.join(tmp, 'file');
    await writeFile(blocker, 'x');
    // The cache's folder cannot be created under a file.
    expect(await fsCache(path.join(blocker, 'cache')).lock!(KEY)).toBeUndefined();
    expect(fsCache(path.join(tmp, 'c'), { lock: false }).lock).toBeUndefined();
  });

  it('stops waiting with ABORTED', async () => {
    const cacheDir = path.join(tmp, 'cache');
    const cache = fsCache(cacheDir, { lock: { pollMs: 20 } });
    const lease = await cache.lock!(KEY);
    const controller = new AbortController();
    const waiting = cache.lock!(KEY, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    await lease!.release();
  });
});
