// Progress of loading one file: the phase (waiting, download, verify, decode), the bytes so far, and where they come from.

/**
 * Which step of loading a progress event is about. `waiting` reports a request that has received
 * nothing for a while (no headers yet, or a stalled body), every few seconds, so that a silent
 * mirror is never a silent program.
 */
export type LoadPhase = 'waiting' | 'download' | 'verify' | 'decode';

/**
 * One progress report of loading a file, from a mirror, a local directory or the cache. During
 * `download` it comes once when the response headers arrive and then after every chunk (and
 * while nothing arrives, a `waiting` event every `waitingIntervalMs`); `loaded` only grows within one attempt and restarts at 0 when a new attempt (retry or next
 * mirror) starts, which `attempt` and `url` tell apart.
 */
export interface LoadProgress {
  /** The file's name, e.g. `train-images-idx3-ubyte.gz`. */
  file: string;
  /**
   * Where the bytes come from: the URL being downloaded, the local file path, or `cache:` plus
   * the cache key.
   */
  url: string;
  /** Bytes received (download), hashed (verify) or produced (decode) so far. */
  loaded: number;
  /** Expected total bytes, when known (Content-Length, or the descriptor's size). */
  total: number | undefined;
  /** 1-based attempt number over all mirrors; 0 for local and cached files. */
  attempt: number;
  /**
   * The step being reported; always set by fmnist (optional only so that code written against
   * the older shape still type-checks). Files from a local directory or the cache report only
   * `verify` and `decode`.
   */
  phase?: LoadPhase;
  /**
   * During `waiting`: ms since the request was sent (no headers yet) or since its last body byte
   * arrived. Absent in the other phases.
   */
  waitedMs?: number;
}

/** How often a `waiting` event reports a request that receives nothing, unless set otherwise. */
export const DEFAULT_WAITING_INTERVAL_MS = 2000;

/**
 * @deprecated Renamed to {@link LoadProgress}: besides downloads it reports local and cache
 * reads and decoding. This alias goes away in the next major release.
 */
export type DownloadProgress = LoadProgress;

/** A callback that receives {@link LoadProgress} events. */
export type ProgressListener = (progress: LoadProgress) => void;

/**
 * `listener` wrapped so that its exceptions are swallowed: a broken progress bar must not break
 * loading. Without a listener, a no-op.
 */
export function safeListener(listener: ProgressListener | undefined): ProgressListener {
  if (!listener) return () => {};
  return (progress) => {
    try {
      listener(progress);
    } catch {
      // A broken progress bar must not break loading.
    }
  };
}
