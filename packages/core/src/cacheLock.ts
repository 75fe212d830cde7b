// A cross-process lock per cache file, so that many processes on one empty cache download each file once: a lock file created atomically, holding its holder's pid and kept fresh by a heartbeat, broken when its holder is dead or silent.
//
// The lock only saves downloads: correctness never depends on it (every cache write is atomic
// and every cached file is verified before use), so whenever locking is impossible (a read-only
// cache) or takes too long, the caller simply goes ahead without it, as before.
import { randomBytes } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { mkdir, open, readFile, stat, unlink, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FmnistError } from './errors.ts';
import type { CacheLease, CacheLockRequest } from './platform.ts';

/** Timing of {@link acquireFileLock}; the defaults suit downloads of seconds to minutes. */
export interface FileLockOptions {
  /** How often the holder touches the lock file's mtime, in ms. Default 1000. */
  heartbeatMs?: number;
  /**
   * A lock whose mtime is older than this (ms) is stale and broken, even when its pid seems
   * alive (another host, or a reused pid). Default 15000: many missed heartbeats, so a holder
   * slowed down by a loaded machine is not robbed.
   */
  staleMs?: number;
  /**
   * How often a waiter looks again when no file-system event came (a killed holder makes none),
   * in ms. Default 250.
   */
  pollMs?: number;
  /** The longest a waiter waits before going ahead without the lock, in ms. Default 600000. */
  maxWaitMs?: number;
}

/** What a lock file holds: enough to tell whether its holder is alive. */
interface LockInfo {
  pid: number;
  host: string;
  token: string;
}

const DEFAULTS = { heartbeatMs: 1000, staleMs: 15_000, pollMs: 250, maxWaitMs: 600_000 };

/** Error codes meaning "this cache cannot be locked here": degrade to no lock. */
const UNLOCKABLE = new Set([
  'EROFS',
  'EACCES',
  'EPERM',
  'ENOTSUP',
  'EOPNOTSUPP',
  'ENOSPC',
  'EDQUOT',
]);

async function readInfo(file: string): Promise<LockInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(file, 'utf8')) as Partial<LockInfo>;
    return typeof info.pid === 'number' && typeof info.token === 'string'
      ? { pid: info.pid, host: String(info.host ?? ''), token: info.token }
      : undefined;
  } catch {
    // Absent, or caught between create and write: judged by its mtime alone.
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** True when the lock at `file` belongs to a dead holder or has missed its heartbeats. */
async function isStale(file: string, staleMs: number): Promise<LockInfo | 'gone' | undefined> {
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(file)).mtimeMs;
  } catch {
    return 'gone';
  }
  const info = await readInfo(file);
  const dead = info !== undefined && info.host === os.hostname() && !pidAlive(info.pid);
  const silent = Date.now() - mtimeMs > staleMs;
  if (!dead && !silent) return undefined;
  return info ?? { pid: -1, host: '', token: '' };
}

/**
 * Removes a stale lock without ever removing a fresh one that replaced it. Breakers take turns
 * through a second lock file (`<lock>.break.tmp`, created with 'wx'), and under it re-read the lock:
 * only the very lock that was judged stale (same token) is unlinked. Without the turn, two
 * waiters that both judged the dead holder's lock could each remove a lock, the second one a
 * fresh holder's. A turn file left by a breaker that died is itself stale after `staleMs`.
 */
async function breakLock(file: string, judged: LockInfo, staleMs: number): Promise<void> {
  const turn = `${file}.break.tmp`;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(turn, 'wx', 0o644);
  } catch {
    const since = await stat(turn)
      .then((s) => Date.now() - s.mtimeMs)
      .catch(() => 0);
    if (since > staleMs) await unlink(turn).catch(() => undefined);
    return; // Another waiter is breaking it: the next round sees the outcome.
  }
  try {
    const now = await readInfo(file);
    if (now && now.token === judged.token) await unlink(file).catch(() => undefined);
  } finally {
    await handle.close().catch(() => undefined);
    await unlink(turn).catch(() => undefined);
  }
}

/** Resolves at the next change in `folder` or after `ms`, whichever comes first. */
function nextChange(watcher: { wait: () => Promise<void> }, ms: number, signal?: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    void watcher.wait().then(done);
  });
}

/** fs.watch on the folder where the platform has it; without it, waiting is polling only. */
function watchFolder(folder: string): { wait: () => Promise<void>; close: () => void } {
  let waiters: (() => void)[] = [];
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(folder, { persistent: false }, () => {
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    watcher = undefined;
  }
  return {
    wait: () => new Promise<void>((resolve) => waiters.push(resolve)),
    close: () => watcher?.close(),
  };
}

function startHeartbeat(file: string, everyMs: number): () => void {
  const timer = setInterval(() => {
    const now = new Date();
    // A lock someone broke (we were too slow) is gone: then the heartbeat just fails.
    void utimes(file, now, now).catch(() => undefined);
  }, everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
}

/** Creates the lock file; its lease, 'busy' when it exists, undefined when impossible here. */
async function tryCreate(file: string, heartbeatMs: number, waited: boolean) {
  const info: LockInfo = {
    pid: process.pid,
    host: os.hostname(),
    token: randomBytes(8).toString('hex'),
  };
  try {
    // 'wx' is O_CREAT | O_EXCL: exactly one process creates it.
    const handle = await open(file, 'wx', 0o644);
    try {
      await handle.writeFile(JSON.stringify(info));
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code === 'EEXIST') return 'busy' as const;
    if (UNLOCKABLE.has(code) || code === 'ENOENT') return undefined;
    throw error;
  }
  const stop = startHeartbeat(file, heartbeatMs);
  const lease: CacheLease = {
    filled: false,
    waited,
    async release() {
      stop();
      const now = await readInfo(file);
      if (now?.token === info.token) await unlink(file).catch(() => undefined);
    },
  };
  return lease;
}

function aborted(signal: AbortSignal, file: string): FmnistError {
  return new FmnistError('ABORTED', `Waiting for the cache lock ${file} was aborted.`, {
    cause: signal.reason,
    details: { path: file },
  });
}

/**
 * Takes the lock file `file` (its folder is created), waiting while a live holder has it:
 * woken by file-system events in the folder, and at least every `pollMs` to notice a holder
 * that died. A lock whose holder's pid is gone (same host) or whose heartbeat is older than
 * `staleMs` is broken. After each wait `options.ready` may report that the holder's result is
 * there (a lease with `filled`, nothing held). This is `fsCache`'s `ByteCache.lock`.
 *
 * @returns The lease, or `undefined` when the folder cannot hold a lock (read-only, no
 *   permission) or `maxWaitMs` passed: the caller goes ahead without one.
 * @throws FmnistError ABORTED when `options.signal` fires while waiting.
 */
export async function acquireFileLock(
  file: string,
  options: CacheLockRequest & FileLockOptions = {},
): Promise<CacheLease | undefined> {
  const { heartbeatMs, staleMs, pollMs, maxWaitMs } = { ...DEFAULTS, ...definedOnly(options) };
  const { signal } = options;
  const folder = path.dirname(file);
  try {
    await mkdir(folder, { recursive: true });
  } catch {
    return undefined;
  }
  const first = await tryCreate(file, heartbeatMs, false);
  if (first !== 'busy') return first;
  const watcher = watchFolder(folder);
  const deadline = Date.now() + maxWaitMs;
  try {
    for (;;) {
      if (signal?.aborted) throw aborted(signal, file);
      const stale = await isStale(file, staleMs);
      if (stale !== undefined && stale !== 'gone') await breakLock(file, stale, staleMs);
      if (stale !== undefined) {
        // Free (released or broken): the holder may have left its result.
        if (options.ready && (await options.ready())) {
          return { filled: true, waited: true, release: async () => undefined };
        }
        const next = await tryCreate(file, heartbeatMs, true);
        if (next !== 'busy') return next;
      }
      if (Date.now() >= deadline) return undefined;
      try {
        await nextChange(watcher, Math.min(pollMs, Math.max(1, deadline - Date.now())), signal);
      } catch {
        throw aborted(signal!, file);
      }
    }
  } finally {
    watcher.close();
  }
}

function definedOnly(options: FileLockOptions): FileLockOptions {
  const out: FileLockOptions = {};
  for (const key of ['heartbeatMs', 'staleMs', 'pollMs', 'maxWaitMs'] as const) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  return out;
}
