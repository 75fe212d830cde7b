// The 127.0.0.1 test server of a test file: started before its tests, counts reset before each.
import { startTestServer, type TestServer } from '@fmnist/test-utils';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** The test server of the current file (see {@link useFileServer}); a live binding. */
export let server: TestServer;

/** Registers one 127.0.0.1 server for the test file, with request counts reset before each test. */
export function useFileServer(): void {
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => server.resetCounts());
}
