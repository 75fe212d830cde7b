// A real HTTP server on 127.0.0.1 with scripted faults, so download code is tested against the
// real global fetch (undici) and real sockets instead of a mocked fetch that cannot stall, cut a
// connection or lie about Content-Length.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What the server does for one request to a path. Each variant is one behaviour seen from real
 * mirrors: a missing file, a flaky server, a dropped connection, a server that stops sending.
 */
export type TestRoute =
  /** 200 (or `status`) with these bytes and a correct Content-Length. */
  | { kind: 'bytes'; body: Uint8Array; status?: number; headers?: Record<string, string> }
  /** 200 with a real file streamed from disk (e.g. the Fashion-MNIST files in ../shared). */
  | { kind: 'file'; path: string; headers?: Record<string, string> }
  /** A bare status code (404, 500, ...) with a short text body. */
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** Headers and the first `afterBytes` bytes, then the TCP connection is destroyed. */
  | { kind: 'cut'; body: Uint8Array; afterBytes: number }
  /** Headers and the first `afterBytes` bytes, then nothing at all until the server closes. */
  | { kind: 'stall'; body: Uint8Array; afterBytes: number }
  /** The body in `chunkBytes` pieces, one every `intervalMs` (a slow mirror). */
  | { kind: 'drip'; body: Uint8Array; chunkBytes: number; intervalMs: number }
  /**
   * A hand-written HTTP/1.1 response on the raw socket whose Content-Length header differs from
   * the bytes sent; the socket is closed after the body.
   */
  | { kind: 'badLength'; body: Uint8Array; contentLength: number }
  /** A redirect (302 unless `status`) to `location`, absolute or a path on this server. */
  | { kind: 'redirect'; location: string; status?: number }
  /** The n-th request (0-based) gets `routes[n]`; requests past the end reuse the last one. */
  | { kind: 'sequence'; routes: readonly TestRoute[] }
  /** Full control, for anything the other variants do not cover. */
  | { kind: 'handler'; handle: (req: IncomingMessage, res: ServerResponse) => void };

/** A running test server. Always `await server.close()` (e.g. in `afterAll`/`afterEach`). */
export interface TestServer {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:41234/`. */
  readonly baseUrl: string;
  /** Absolute URL of a path on this server; a leading slash is optional, a query string is kept. */
  url(path: string): string;
  /** Adds or replaces the route for an exact path (leading slash optional, no query string). */
  route(path: string, route: TestRoute): void;
  /** Adds several routes under a folder, e.g. `mirror('a', { 'x.gz': ... })` serves `/a/x.gz`. */
  mirror(folder: string, routes: Record<string, TestRoute>): string;
  /** How many requests reached a path so far (unrouted paths count too; they get 404). */
  requests(path: string): number;
  /** Body bytes written for a path so far, over all its requests (partial bodies included). */
  bytesSent(path: string): number;
  /** Forget request and byte counts (routes stay). */
  resetCounts(): void;
  /** Destroys every open connection (stalled ones included) and stops listening. */
  close(): Promise<void>;
}

function normalizePath(path: string): string {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.split('?')[0];
}

/**
 * Starts a server on 127.0.0.1 at a free port (port 0) with the given routes; unknown paths get
 * 404. Counts requests per path so tests can assert "served from cache, no new request".
 */
export async function startTestServer(routes: Record<string, TestRoute> = {}): Promise<TestServer> {
  const table = new Map<string, TestRoute>();
  const counts = new Map<string, number>();
  const sent = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const addSent = (path: string, n: number) => sent.set(path, (sent.get(path) ?? 0) + n);

  const serve = (
    route: TestRoute,
    path: string,
    nth: number,
    req: IncomingMessage,
    res: ServerResponse,
  ): void => {
    switch (route.kind) {
      case 'bytes': {
        res.writeHead(route.status ?? 200, {
          'content-type': 'application/octet-stream',
          'content-length': String(route.body.length),
          ...route.headers,
        });
        addSent(path, route.body.length);
        res.end(route.body);
        return;
      }
      case 'file': {
        stat(route.path).then(
          (info) => {
            res.writeHead(200, {
              'content-type': 'application/octet-stream',
              'content-length': String(info.size),
              ...route.headers,
            });
            const stream = createReadStream(route.path);
            stream.on('data', (chunk) => addSent(path, chunk.length));
            stream.on('error', () => res.destroy());
            stream.pipe(res);
          },
          () => {
            res.writeHead(404, { 'content-type': 'text/plain' });
            res.end(`test server: no file ${route.path}`);
          },
        );
        return;
      }
      case 'status': {
        res.writeHead(route.status, { 'content-type': 'text/plain', ...route.headers });
        res.end(route.body ?? `status ${route.status}`);
        return;
      }
      case 'cut':
      case 'stall': {
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': String(route.body.length),
        });
        const part = route.body.subarray(0, route.afterBytes);
        addSent(path, part.length);
        res.write(part, () => {
          // Destroy only after the partial body is on the wire, so the client sees a real
          // mid-body cut rather than a refused response.
          if (route.kind === 'cut') req.socket.destroy();
        });
        return;
      }
      case 'drip': {
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': String(route.body.length),
        });
        let offset = 0;
        const step = () => {
          if (res.destroyed) return;
          const end = Math.min(offset + Math.max(1, route.chunkBytes), route.body.length);
          const chunk = route.body.subarray(offset, end);
          offset = end;
          addSent(path, chunk.length);
          if (offset >= route.body.length) {
            res.end(chunk);
            return;
          }
          res.write(chunk);
          const timer = setTimeout(() => {
            timers.delete(timer);
            step();
          }, route.intervalMs);
          timers.add(timer);
        };
        step();
        return;
      }
      case 'badLength': {
        // node:http refuses to send a body that disagrees with Content-Length, so write the
        // response by hand on the socket it gave us.
        const socket = req.socket;
        const head =
          'HTTP/1.1 200 OK\r\n' +
          'content-type: application/octet-stream\r\n' +
          `content-length: ${route.contentLength}\r\n` +
          'connection: close\r\n\r\n';
        res.detachSocket(socket);
        socket.write(head);
        addSent(path, route.body.length);
        socket.end(route.body);
        return;
      }
      case 'redirect': {
        const location = /^[a-z]+:/i.test(route.location)
          ? route.location
          : normalizePath(route.location);
        res.writeHead(route.status ?? 302, { location });
        res.end();
        return;
      }
      case 'sequence': {
        if (route.routes.length === 0) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('test server: empty sequence');
          return;
        }
        serve(route.routes[Math.min(nth, route.routes.length - 1)], path, nth, req, res);
        return;
      }
      case 'handler': {
        route.handle(req, res);
        return;
      }
    }
  };

  const server: Server = createServer((req, res) => {
    const path = normalizePath(req.url ?? '/');
    const nth = counts.get(path) ?? 0;
    counts.set(path, nth + 1);
    const route = table.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`test server: no route for ${path}`);
      return;
    }
    serve(route, path, nth, req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A destroyed client socket mid-response is expected in these tests, not a crash.
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/`;

  const api: TestServer = {
    baseUrl,
    url: (path) => baseUrl + (path.startsWith('/') ? path.slice(1) : path),
    route: (path, route) => {
      table.set(normalizePath(path), route);
    },
    mirror: (folder, folderRoutes) => {
      const prefix = normalizePath(folder).replace(/\/+$/, '');
      for (const [name, route] of Object.entries(folderRoutes)) {
        table.set(`${prefix}/${name}`, route);
      }
      return `${baseUrl}${prefix.slice(1)}/`;
    },
    requests: (path) => counts.get(normalizePath(path)) ?? 0,
    bytesSent: (path) => sent.get(normalizePath(path)) ?? 0,
    resetCounts: () => {
      counts.clear();
      sent.clear();
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await closed;
    },
  };
  for (const [path, route] of Object.entries(routes)) api.route(path, route);
  return api;
}
