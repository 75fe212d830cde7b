// A test file's own 127.0.0.1 test server: started in beforeAll, closed in afterAll, usable as a plain TestServer in between.
import { startTestServer, type TestServer } from '@fmnist/test-utils';
import { afterAll, beforeAll } from 'vitest';

/**
 * Registers the hooks that start a test server before the file's tests and close it after them,
 * and returns a {@link TestServer} that forwards to it (using it outside the tests throws).
 */
export function useTestServer(): TestServer {
  let started: TestServer | undefined;
  beforeAll(async () => {
    started = await startTestServer();
  });
  afterAll(async () => {
    await started?.close();
  });
  const current = (): TestServer => {
    if (!started) throw new Error('the test server runs from beforeAll to afterAll only');
    return started;
  };
  return {
    get baseUrl() {
      return current().baseUrl;
    },
    url: (path) => current().url(path),
    route: (path, route) => current().route(path, route),
    mirror: (folder, routes) => current().mirror(folder, routes),
    requests: (path) => current().requests(path),
    bytesSent: (path) => current().bytesSent(path),
    resetCounts: () => current().resetCounts(),
    close: () => current().close(),
  };
}
