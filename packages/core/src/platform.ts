// What loading needs from its host, as one small object: the main entry stays free of Node
// built-ins, and @fmnist/core/node supplies a Platform backed by node:zlib, node:crypto and fs.
import { defaultBrowserCache } from './browserCache.ts';
import { FmnistError } from './errors.ts';
import { type Gunzip, gunzip } from './gzip.ts';

/**
 * A byte store for downloaded files. Keys look like `${datasetId}/${fileName}`.
 *
 * Implementations must write atomically: a reader (or a later process after a crash) sees either
 * the complete old value, the complete new value, or nothing. They verify nothing themselves;
 * the loader checks every cached file against its sha256 before using it.
 */
export interface ByteCache {
  /** The stored bytes, or `undefined` when the key is absent. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Stores the bytes under the key, replacing any previous value atomically. */
  set(key: string, bytes: Uint8Array): Promise<void>;
  /** Deletes the key; removing an absent key is not an error. */
  remove(key: string): Promise<void>;
  /**
   * Where the key is kept, in words for messages (`fsCache`: the file's path). Optional: a
   * cache without it is named by its key.
   */
  location?(key: string): string;
  /**
   * Optional cross-process lock on one key, so that processes sharing the cache download a
   * missing file once: resolves when this caller holds it (a {@link CacheLease}; the loader
   * then re-checks the cache, downloads, `set`s and releases), or with `filled` when `ready`
   * reported the holder's result after a wait, or `undefined` when the cache cannot be locked
   * (read-only): the loader then downloads without it. {@link fsCache} implements it.
   */
  lock?(key: string, options?: CacheLockRequest): Promise<CacheLease | undefined>;
}

/** What {@link ByteCache.lock} is given. */
export interface CacheLockRequest {
  /** Stops waiting for another holder with ABORTED. */
  signal?: AbortSignal;
  /** Asked whenever the lock is seen free after a wait: true when the entry is there now. */
  ready?: () => Promise<boolean>;
}

/** A lock from {@link ByteCache.lock}. */
export interface CacheLease {
  /** True when `ready` reported the entry after a wait: nothing is held, nothing to fetch. */
  readonly filled: boolean;
  /** True when another process held the lock at first. */
  readonly waited: boolean;
  /** Lets the next process in; call it once the entry is written (or the attempt failed). */
  release(): Promise<void>;
}

/** The {@link ByteCache} key of a dataset file: `${datasetId}/${fileName}`. */
export function cacheKey(datasetId: string, fileName: string): string {
  return `${datasetId}/${fileName}`;
}

/** Host services used by {@link downloadFile} and {@link loadDataset}. */
export interface Platform {
  /** The fetch used for downloads (the global one unless a test or proxy needs another). */
  fetch: typeof globalThis.fetch;
  /** Lowercase hex sha256 of the bytes. */
  sha256(bytes: Uint8Array): Promise<string>;
  /** Inflates a gzip file; used by the IDX decoder. */
  gunzip: Gunzip;
  /** Where downloaded files are kept between runs; none means every load downloads. */
  cache?: ByteCache;
  /**
   * Reads `name` from the local directory `dir`; resolves `undefined` when the file does not
   * exist. Absent on platforms without a filesystem (browsers), where `dataDir` is refused.
   */
  readLocalFile?(dir: string, name: string): Promise<Uint8Array | undefined>;
  /** Reads an environment variable (`FMNIST_DATA_DIR`, ...); absent in browsers. */
  env?(name: string): string | undefined;
}

/** Options for {@link browserPlatform}. */
export interface BrowserPlatformOptions {
  /**
   * Where to keep downloaded files: a {@link ByteCache} such as {@link memoryCache}, or `false`
   * for none. Default `browserCache()` (Cache Storage, else IndexedDB) where the runtime has
   * either, so a page reload reads the files locally; none elsewhere.
   */
  cache?: ByteCache | false;
}

function hex(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += bytes[i].toString(16).padStart(2, '0');
  return out;
}

/** sha256 through Web Crypto, available in browsers, workers, Deno, Bun and Node >= 20. */
export async function webSha256(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      'Web Crypto (crypto.subtle) is not available here, so downloads cannot be verified. ' +
        'Browsers only expose it on secure origins (https or localhost).',
    );
  }
  return hex(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/**
 * A platform for browsers and other web-standard runtimes: the global `fetch`, `crypto.subtle`
 * for sha256 and `DecompressionStream` for gzip. No local directory, no environment; downloads
 * are cached in `browserCache()` where the runtime has Cache Storage or IndexedDB, unless
 * `cache` says otherwise.
 */
export function browserPlatform(options: BrowserPlatformOptions = {}): Platform {
  return {
    // Looked up at call time so that a fetch installed later (polyfill, test) is used.
    fetch: (input, init) => globalThis.fetch(input, init),
    sha256: webSha256,
    gunzip,
    cache: options.cache === false ? undefined : (options.cache ?? defaultBrowserCache()),
  };
}

/**
 * A cache that lives as long as the page or process: enough to avoid downloading a file twice in
 * one session. Stores its own copy of the bytes, so later changes by the caller do not leak in.
 */
export function memoryCache(): ByteCache {
  const entries = new Map<string, Uint8Array>();
  return {
    async get(key) {
      return entries.get(key);
    },
    async set(key, bytes) {
      entries.set(key, bytes.slice());
    },
    async remove(key) {
      entries.delete(key);
    },
  };
}
