// The persistent browser cache: downloaded files kept in Cache Storage (IndexedDB where it is missing), so a page reload reads them locally.
import { FmnistError } from './errors.ts';
import type { ByteCache } from './platform.ts';

/** Where a {@link browserCache} keeps its bytes. */
export type BrowserCacheStorage = 'cache-storage' | 'indexeddb';

/** Options for {@link browserCache}. */
export interface BrowserCacheOptions {
  /**
   * Name of the Cache Storage cache or IndexedDB database. Default `'fmnist'`; pages that want
   * their own (per app, per version) pass another.
   */
  name?: string;
  /**
   * Which store to use. Default: Cache Storage where `caches` exists (secure pages and
   * workers), else IndexedDB.
   */
  storage?: BrowserCacheStorage;
}

/** What {@link BrowserCache.size} reports. */
export interface BrowserCacheSize {
  /** How many entries the cache holds. */
  entries: number;
  /** Their bytes, summed. */
  bytes: number;
  /** Each key with its size, in key order. */
  keys: { key: string; bytes: number }[];
}

/** A {@link ByteCache} in the browser's storage, with the means to empty and measure it. */
export interface BrowserCache extends ByteCache {
  /** The store in use. */
  readonly storage: BrowserCacheStorage;
  /** Deletes every entry of this cache (other caches of the origin are left alone). */
  clear(): Promise<void>;
  /** The entries and their bytes. */
  size(): Promise<BrowserCacheSize>;
}

/** The base of the Request URLs entries are stored under; nothing is ever fetched from it. */
const ENTRY_BASE = 'https://fmnist.cache.invalid/';
const STORE = 'files';

/** True when the browser refused a write for lack of space. */
function isQuota(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

/**
 * CACHE_IO for a failed operation. `details.continueWithoutCache` is true for a full quota or a
 * store that cannot be opened (private mode, opaque origin): the loader then goes on without
 * caching the file, since the download itself succeeded.
 */
function cacheError(
  storage: BrowserCacheStorage,
  action: string,
  key: string | undefined,
  error: unknown,
  unavailable = false,
): FmnistError {
  const quota = isQuota(error);
  const why = quota
    ? 'the storage quota is full (free space, or call clear() on this cache)'
    : String((error as Error)?.message ?? error);
  return new FmnistError(
    'CACHE_IO',
    `Could not ${action}${key ? ` ${key}` : ''} in the browser cache (${storage}): ${why}.`,
    {
      cause: error,
      details: {
        storage,
        ...(key ? { key } : {}),
        reason: quota ? 'quota' : unavailable ? 'unavailable' : 'io',
        continueWithoutCache: quota || unavailable,
      },
    },
  );
}

/**
 * `run`, except that a store that cannot be opened reads as empty: a page in private mode loads
 * as if nothing were cached, rather than failing before the download.
 */
async function orAbsent<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if ((error as FmnistError).details?.reason === 'unavailable') return undefined;
    throw error;
  }
}

function cacheStorage(name: string): BrowserCache {
  let opened: Promise<Cache> | undefined;
  const open = async () => {
    opened ??= globalThis.caches.open(name);
    try {
      return await opened;
    } catch (error) {
      opened = undefined;
      throw cacheError('cache-storage', 'open', undefined, error, true);
    }
  };
  const request = (key: string) => new Request(ENTRY_BASE + encodeURIComponent(key));
  const keyOf = (url: string) => decodeURIComponent(url.slice(ENTRY_BASE.length));
  const guard = async <T>(
    action: string,
    key: string | undefined,
    run: (c: Cache) => Promise<T>,
  ) => {
    const cache = await open();
    try {
      return await run(cache);
    } catch (error) {
      throw cacheError('cache-storage', action, key, error);
    }
  };
  return {
    storage: 'cache-storage',
    get: (key) =>
      orAbsent(() =>
        guard('read', key, async (cache) => {
          const response = await cache.match(request(key));
          return response ? new Uint8Array(await response.arrayBuffer()) : undefined;
        }),
      ),
    // put replaces the entry as a whole: readers see the old response or the new one.
    set: (key, bytes) =>
      guard('store', key, (cache) =>
        cache.put(
          request(key),
          new Response(bytes.slice(), {
            headers: { 'content-type': 'application/octet-stream' },
          }),
        ),
      ),
    remove: async (key) => {
      await orAbsent(() => guard('remove', key, (cache) => cache.delete(request(key))));
    },
    location: (key) => `Cache Storage "${name}", ${key}`,
    clear: async () => {
      try {
        await globalThis.caches.delete(name);
      } catch (error) {
        throw cacheError('cache-storage', 'clear', undefined, error);
      }
      opened = undefined;
    },
    size: () =>
      guard('measure', undefined, async (cache) => {
        const keys: { key: string; bytes: number }[] = [];
        for (const req of await cache.keys()) {
          const response = await cache.match(req);
          const bytes = response ? (await response.arrayBuffer()).byteLength : 0;
          keys.push({ key: keyOf(req.url), bytes });
        }
        return summary(keys);
      }),
  };
}

function summary(keys: { key: string; bytes: number }[]): BrowserCacheSize {
  keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { entries: keys.length, bytes: keys.reduce((n, k) => n + k.bytes, 0), keys };
}

/** A promise of an IndexedDB request's result. */
function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function indexedDb(name: string): BrowserCache {
  let opened: Promise<IDBDatabase> | undefined;
  const open = async () => {
    opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = globalThis.indexedDB.open(name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('the database is blocked by another tab'));
    });
    try {
      return await opened;
    } catch (error) {
      opened = undefined;
      throw cacheError('indexeddb', 'open', undefined, error, true);
    }
  };
  /** Runs `run` in one transaction and resolves once it committed (writes are then durable). */
  const transact = async <T>(
    action: string,
    key: string | undefined,
    mode: IDBTransactionMode,
    run: (store: IDBObjectStore) => IDBRequest<T>,
  ): Promise<T> => {
    const db = await open();
    try {
      const tx = db.transaction(STORE, mode);
      const result = done(run(tx.objectStore(STORE)));
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
      });
      return await result;
    } catch (error) {
      throw cacheError('indexeddb', action, key, error);
    }
  };
  return {
    storage: 'indexeddb',
    get: async (key) => {
      const value = await orAbsent(() => transact('read', key, 'readonly', (s) => s.get(key)));
      return value === undefined ? undefined : new Uint8Array(value as ArrayBuffer);
    },
    // One put in one transaction: atomic, as ByteCache asks. A fresh buffer, never the caller's.
    set: async (key, bytes) => {
      await transact('store', key, 'readwrite', (s) => s.put(bytes.slice().buffer, key));
    },
    remove: async (key) => {
      await orAbsent(() => transact('remove', key, 'readwrite', (s) => s.delete(key)));
    },
    location: (key) => `IndexedDB "${name}", ${key}`,
    clear: async () => {
      await transact('clear', undefined, 'readwrite', (s) => s.clear());
    },
    size: async () => {
      const db = await open();
      try {
        const tx = db.transaction(STORE, 'readonly');
        const store = tx.objectStore(STORE);
        const [keys, values] = await Promise.all([done(store.getAllKeys()), done(store.getAll())]);
        return summary(
          keys.map((key, i) => ({
            key: String(key),
            bytes: (values[i] as ArrayBuffer).byteLength,
          })),
        );
      } catch (error) {
        throw cacheError('indexeddb', 'measure', undefined, error);
      }
    },
  };
}

/**
 * A persistent {@link ByteCache} for pages and workers: Cache Storage (the store transformers.js
 * and others keep model files in) where `caches` exists, IndexedDB otherwise. Like every cache
 * it verifies nothing itself: the loader checks each entry's sha256 on read and replaces a
 * damaged one. Failures are CACHE_IO; a full quota or an unusable store has
 * `details.continueWithoutCache`, and `loadDataset` then loads without caching that file.
 *
 * ```ts
 * const cache = browserCache();
 * const test = await loadDataset({ split: 'test', cache });
 * console.log(await cache.size()); // { entries: 2, bytes: 4451969, keys: [...] }
 * await cache.clear();
 * ```
 *
 * @throws FmnistError INVALID_ARGUMENT when neither Cache Storage nor IndexedDB exists here
 *   (Node), or the requested `storage` does not.
 */
export function browserCache(options: BrowserCacheOptions = {}): BrowserCache {
  const name = options.name ?? 'fmnist';
  const hasCaches = typeof globalThis.caches?.open === 'function';
  const hasIdb = typeof globalThis.indexedDB?.open === 'function';
  const storage = options.storage ?? (hasCaches ? 'cache-storage' : 'indexeddb');
  if (storage === 'cache-storage' ? !hasCaches : !hasIdb) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `browserCache: ${storage === 'cache-storage' ? 'Cache Storage (caches)' : 'IndexedDB'} is not available here${hasCaches || hasIdb ? '' : ' (not a browser?): use fsCache from @fmnist/core/node in Node'}.`,
      { details: { storage } },
    );
  }
  return storage === 'cache-storage' ? cacheStorage(name) : indexedDb(name);
}

/** The default cache of a browser platform: {@link browserCache}, or none outside browsers. */
export function defaultBrowserCache(): BrowserCache | undefined {
  const usable =
    typeof globalThis.caches?.open === 'function' ||
    typeof globalThis.indexedDB?.open === 'function';
  return usable ? browserCache() : undefined;
}
