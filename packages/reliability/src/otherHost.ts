// A second HTTP server on another loopback address (127.0.0.2): "another host" for redirect
// cases, since startTestServer always listens on 127.0.0.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A minimal server that answers every path with the same bytes and counts requests. */
export interface OtherHost {
  /** Base URL, e.g. `http://127.0.0.2:41234/`. */
  baseUrl: string;
  /** Requests per path so far. */
  requests(path: string): number;
  /** What every request gets from now on. */
  serve(body: Uint8Array): void;
  close(): Promise<void>;
}

/** Starts a server on `host` (default 127.0.0.2) at a free port. */
export async function startOtherHost(host = '127.0.0.2'): Promise<OtherHost> {
  let body: Uint8Array = new Uint8Array(0);
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    counts.set(path, (counts.get(path) ?? 0) + 1);
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(body.length),
    });
    res.end(body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://${host}:${port}/`,
    requests: (path) => counts.get(path) ?? 0,
    serve: (bytes) => {
      body = bytes;
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
