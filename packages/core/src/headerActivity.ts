// Watching the bytes of a response whose headers are still arriving, so a slow but moving header phase is not taken for silence (Node's fetch, through undici's diagnostics channel).

/** Bytes read so far on the connection of one request; see {@link watchHeaderBytes}. */
export interface HeaderBytesProbe {
  /** Bytes read on the request's socket, or undefined while its socket is not known. */
  bytes(): number | undefined;
  /** Stops watching (call once the headers arrived or the attempt ended). */
  release(): void;
}

interface Watcher {
  socket?: { bytesRead: number };
}

interface SendHeadersMessage {
  request?: { origin?: unknown; path?: unknown };
  socket?: { bytesRead?: unknown };
}

type DiagnosticsChannel = {
  subscribe(name: string, listener: (message: unknown) => void): void;
};

/** Watchers by `origin + path`, waiting for undici to send their request on a socket. */
const waiting = new Map<string, Watcher[]>();
let subscribed: boolean | undefined;

/** Node's diagnostics_channel when this runs on Node (>= 20.16), without importing node:*. */
function diagnosticsChannel(): DiagnosticsChannel | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.('node:diagnostics_channel') as DiagnosticsChannel | undefined;
  } catch {
    return undefined;
  }
}

function subscribe(): boolean {
  if (subscribed !== undefined) return subscribed;
  const channel = diagnosticsChannel();
  subscribed = channel !== undefined;
  // undici publishes every request it writes, with the socket it writes it on.
  channel?.subscribe('undici:client:sendHeaders', (message) => {
    const { request, socket } = (message ?? {}) as SendHeadersMessage;
    if (!request || !socket || typeof socket.bytesRead !== 'number') return;
    const key = `${String(request.origin)}${String(request.path)}`;
    const list = waiting.get(key);
    const watcher = list?.shift();
    if (list && list.length === 0) waiting.delete(key);
    if (watcher) watcher.socket = socket as { bytesRead: number };
  });
  return subscribed;
}

/**
 * Starts watching the connection of the next request to `url` that Node's fetch sends. Without
 * Node's diagnostics channel (browsers, a custom fetch) the probe never knows its socket, and the
 * idle timeout treats the header phase as silence, as before. Two concurrent requests to the same
 * URL may swap sockets; both are then downloading the same file, so neither is cut wrongly.
 */
export function watchHeaderBytes(url: string): HeaderBytesProbe {
  const watcher: Watcher = {};
  let key: string | undefined;
  if (subscribe()) {
    try {
      const parsed = new URL(url);
      key = `${parsed.origin}${parsed.pathname}${parsed.search}`;
      const list = waiting.get(key) ?? [];
      list.push(watcher);
      waiting.set(key, list);
    } catch {
      key = undefined;
    }
  }
  return {
    bytes: () => watcher.socket?.bytesRead,
    release: () => {
      watcher.socket = undefined;
      if (key === undefined) return;
      const list = waiting.get(key);
      const at = list?.indexOf(watcher) ?? -1;
      if (list && at >= 0) list.splice(at, 1);
      if (list && list.length === 0) waiting.delete(key);
    },
  };
}
