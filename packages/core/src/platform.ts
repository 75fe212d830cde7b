// What loading needs from its host, as one small object: the main entry stays free of Node
// built-ins, and @fmnist/core/node supplies a Platform backed by node:zlib, node:crypto and fs.
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
  /** Where to keep downloaded files, e.g. {@link memoryCache}; default none. */
  cache?: ByteCache;
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
 * are cached only when a `cache` is given.
 */
export function browserPlatform(options: BrowserPlatformOptions = {}): Platform {
  return {
    // Looked up at call time so that a fetch installed later (polyfill, test) is used.
    fetch: (input, init) => globalThis.fetch(input, init),
    sha256: webSha256,
    gunzip,
    cache: options.cache,
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
