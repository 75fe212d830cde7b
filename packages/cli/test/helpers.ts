// Test helpers of the CLI: run the real binary and capture what it did.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { realDataDir, startTestServer, type TestServer } from '@fmnist/test-utils';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

/** The real binary, as a user runs it. */
export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/fmnist.js');

/** What one run of the binary did. */
export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options for {@link fmnist}. */
export interface SpawnOptions {
  /** Variables added to (or, when undefined, removed from) the base environment. */
  env?: Record<string, string | undefined>;
  /** Called with the child once it runs (e.g. to send SIGINT). */
  onSpawn?: (child: ReturnType<typeof spawn>, output: () => string) => void;
  /** Kill the child after this many ms (a test must never hang). Default 60000. */
  timeoutMs?: number;
}

/**
 * The environment every spawned CLI starts from: no inherited FMNIST_* variables, the real
 * Fashion-MNIST folder as FMNIST_DATA_DIR and a throwaway cache, so a test sees only what it
 * sets up.
 */
export function baseEnv(cacheDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      value !== undefined &&
      !key.startsWith('FMNIST_') &&
      key !== 'FORCE_COLOR' &&
      key !== 'NO_COLOR'
    ) {
      env[key] = value;
    }
  }
  env.FMNIST_DATA_DIR = realDataDir('fashion-mnist');
  env.FMNIST_CACHE_DIR = cacheDir;
  return env;
}

/**
 * Runs `node bin/fmnist.js ...args` asynchronously (so an in-process test server can answer)
 * and collects its output.
 */
export function fmnist(
  args: string[],
  options: SpawnOptions & { cacheDir: string },
): Promise<Result> {
  const env = baseEnv(options.cacheDir);
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    options.onSpawn?.(child, () => stdout);
  });
}

/** A fresh temporary folder; remove it with {@link removeDir}. */
export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `fmnist-cli-${prefix}-`));
}

/** Removes a temporary folder. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The uncompressed IDX bytes of a real Fashion-MNIST file. */
export function rawIdx(
  name: string,
  dataset: 'fashion-mnist' | 'mnist' = 'fashion-mnist',
): Uint8Array {
  return new Uint8Array(gunzipSync(readFileSync(path.join(realDataDir(dataset), name))));
}

/** The real test split as bytes: images (N*784, after the 16-byte header) and labels. */
export function realTestSplit(): { images: Uint8Array; labels: Uint8Array } {
  return {
    images: rawIdx('t10k-images-idx3-ubyte.gz').subarray(16),
    labels: rawIdx('t10k-labels-idx1-ubyte.gz').subarray(8),
  };
}

/** The four published file names. */
export const FILES = [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
] as const;

/** What {@link useRealMirror} sets up; its fields are filled in by the hooks, so read them in tests. */
export interface RealMirror {
  /** The 127.0.0.1 test server of the file (request counts reset before each test). */
  server: TestServer;
  /** Mirror URL under which the server serves the four real Fashion-MNIST files. */
  good: string;
  /** A fresh temporary folder per test, removed after it. */
  work: string;
  /** `work/cache`, the cache folder a test passes to {@link fmnist}. */
  cacheDir: string;
}

/**
 * Registers the hooks of a `fmnist download` test file: one test server for the file with the
 * real files as the `good` mirror, and a fresh work folder (with its cache folder) per test. The
 * file's own `beforeAll` may add more mirrors to `server`.
 */
export function useRealMirror(prefix: string): RealMirror {
  const setup = {} as RealMirror;
  beforeAll(async () => {
    const dir = realDataDir('fashion-mnist');
    setup.server = await startTestServer();
    setup.good = setup.server.mirror(
      'good',
      Object.fromEntries(FILES.map((name) => [name, { kind: 'file', path: path.join(dir, name) }])),
    );
  });
  afterAll(async () => {
    await setup.server.close();
  });
  beforeEach(() => {
    setup.work = tempDir(prefix);
    setup.cacheDir = path.join(setup.work, 'cache');
    setup.server.resetCounts();
  });
  afterEach(() => removeDir(setup.work));
  return setup;
}
