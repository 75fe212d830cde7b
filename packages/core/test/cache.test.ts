// The ByteCache contract run against memoryCache and fsCache, plus what only fsCache promises
// (layout on disk, key checks, atomic writes, CACHE_IO), defaultCacheDir and the Node platform's
// pieces (local reads, sha256). nodeGunzip runs the Gunzip contract in gzip.test.ts.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  defaultCacheDir,
  fsCache,
  fsCachePath,
  memoryCache,
  nodePlatform,
} from '@fmnist/core/node';
import { describeCacheContract } from '@fmnist/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure } from './helpers.ts';

let tmp: string;
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fmnist-cache-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describeCacheContract('memoryCache', () => memoryCache());
describeCacheContract('fsCache', () => fsCache(tmp));

describe('fsCache beyond the contract', () => {
  it('stores files under dir/dataset/file and leaves no temporary files behind', async () => {
    const cache = fsCache(tmp);
    await cache.set('ds/a.gz', bytes(1000, 7));
    expect(await readFile(path.join(tmp, 'ds', 'a.gz'))).toEqual(Buffer.from(bytes(1000, 7)));
    expect(fsCachePath(tmp, 'ds/a.gz')).toBe(path.join(tmp, 'ds', 'a.gz'));
    await cache.set('ds/a.gz', bytes(10, 9));
    await cache.remove('ds/a.gz');
    expect(await readdir(path.join(tmp, 'ds'))).toEqual([]);
  });

  it('refuses keys that are not dataset/file or would leave the directory', async () => {
    const cache = fsCache(tmp);
    for (const key of [
      '../x',
      'a/../../x',
      'a/b/c',
      '/etc/passwd',
      'a',
      'a/..',
      'a/.hidden',
      'a\\b/c',
      'a/x.gz.tmp',
      '',
    ]) {
      const error = await failure(cache.get(key));
      expect(error.code, key).toBe('INVALID_ARGUMENT');
      expect((await failure(cache.set(key, bytes(1, 1)))).code).toBe('INVALID_ARGUMENT');
    }
    expect(await readdir(tmp)).toEqual([]);
  });

  it('keeps concurrent writers of one key from producing a mixed file', async () => {
    // Two instances over one folder, as two processes are; one of them writes twice.
    const [a, b] = [fsCache(tmp), fsCache(tmp)];
    const size = 2 * 1024 * 1024;
    await Promise.all([a, b, a].map((cache, i) => cache.set('ds/big.gz', bytes(size, i + 1))));
    const got = (await a.get('ds/big.gz'))!;
    expect(got.length).toBe(size);
    expect(got.every((v) => v === got[0])).toBe(true);
    expect(await readdir(path.join(tmp, 'ds'))).toEqual(['big.gz']);
  });

  it('never reads temporary files and sweeps stale ones', async () => {
    const cache = fsCache(tmp);
    await mkdir(path.join(tmp, 'ds'));
    // What a writer killed mid-write leaves behind: a partial temp file.
    const stale = path.join(tmp, 'ds', 'a.gz.4242.abcdef.tmp');
    const fresh = path.join(tmp, 'ds', 'a.gz.4243.abcdef.tmp');
    await writeFile(stale, bytes(10, 1));
    await writeFile(fresh, bytes(10, 1));
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    expect(await cache.get('ds/a.gz')).toBeUndefined();
    await cache.set('ds/a.gz', bytes(5, 5));
    expect(existsSync(stale)).toBe(false);
    // A recent one may belong to a live writer in another process.
    expect(existsSync(fresh)).toBe(true);
  });

  it('reports filesystem failures as CACHE_IO naming the path', async () => {
    // A regular file where the cache directory should be.
    const blocked = path.join(tmp, 'not-a-dir');
    await writeFile(blocked, 'x');
    const error = await failure(fsCache(blocked).set('ds/a.gz', bytes(3, 3)));
    expect(error.code).toBe('CACHE_IO');
    expect(error.message).toContain(blocked);
    expect(await fsCache(blocked).get('ds/a.gz')).toBeUndefined();
    // A directory where a cached file should be.
    await mkdir(path.join(tmp, 'ds', 'dir.gz'), { recursive: true });
    const readError = await failure(fsCache(tmp).get('ds/dir.gz'));
    expect(readError.code).toBe('CACHE_IO');
    expect(readError.message).toContain(path.join(tmp, 'ds', 'dir.gz'));
    expect((await failure(fsCache(tmp).set('ds/dir.gz', bytes(1, 1)))).code).toBe('CACHE_IO');
    expect((await readdir(path.join(tmp, 'ds'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('defaultCacheDir and nodePlatform', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['FMNIST_CACHE_DIR', 'XDG_CACHE_HOME']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('prefers FMNIST_CACHE_DIR, then the OS user cache directory', () => {
    process.env.FMNIST_CACHE_DIR = tmp;
    expect(defaultCacheDir()).toBe(tmp);
    delete process.env.FMNIST_CACHE_DIR;
    if (process.platform === 'linux') {
      process.env.XDG_CACHE_HOME = '/xdg/cache';
      expect(defaultCacheDir()).toBe('/xdg/cache/fmnist');
      process.env.XDG_CACHE_HOME = 'relative/ignored';
      expect(defaultCacheDir()).toBe(path.join(os.homedir(), '.cache', 'fmnist'));
    }
  });

  it('reads the environment it is given instead of process.env', () => {
    process.env.FMNIST_CACHE_DIR = path.join(tmp, 'ignored');
    expect(defaultCacheDir({ FMNIST_CACHE_DIR: tmp })).toBe(tmp);
    expect(defaultCacheDir((name) => (name === 'FMNIST_CACHE_DIR' ? tmp : undefined))).toBe(tmp);
    if (process.platform === 'linux') {
      expect(defaultCacheDir({ XDG_CACHE_HOME: '/xdg/cache' })).toBe('/xdg/cache/fmnist');
      expect(defaultCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'fmnist'));
    }
  });

  it('builds the cache from cacheDir, or none with false', async () => {
    expect(nodePlatform({ cacheDir: false }).cache).toBeUndefined();
    const platform = nodePlatform({ cacheDir: tmp });
    await platform.cache!.set('ds/x', bytes(2, 2));
    expect(existsSync(path.join(tmp, 'ds', 'x'))).toBe(true);
    expect(platform.env!('PATH')).toBe(process.env.PATH);
    expect(await platform.readLocalFile!(tmp, 'missing.gz')).toBeUndefined();
    expect(await platform.readLocalFile!(path.join(tmp, 'no-dir'), 'missing.gz')).toBeUndefined();
    expect(await platform.sha256(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
