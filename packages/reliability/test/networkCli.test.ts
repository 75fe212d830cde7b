// The same network faults through `fmnist download`, the real binary in a child process, for
// the real Fashion-MNIST files. Three files are put in the cache beforehand, so each case
// downloads only the small t10k-labels file through the fault (the binary keeps valid copies).
// Expected: exit 0 after a recovery, exit 4 with a one-line reason when every mirror failed.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fashionMnist } from '@fmnist/core';
import { realDataDir, type TestRoute } from '@fmnist/test-utils';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  type CaseContext,
  caseTest,
  cliCannotRun,
  type OtherHost,
  realDataRoutes,
  runToEnd,
  spawnCli,
  startOtherHost,
  useTestServer,
} from '../src/index.ts';

const FAULTY = fashionMnist.files.testLabels.name;
const PREFILLED = [
  fashionMnist.files.trainImages.name,
  fashionMnist.files.trainLabels.name,
  fashionMnist.files.testImages.name,
];
const missing = cliCannotRun();
const dataDir = realDataDir('fashion-mnist');
const goodRoute = (): TestRoute => ({ kind: 'file', path: path.join(dataDir, FAULTY) });
let faultyBytes: Uint8Array;

const server = useTestServer();
let other: OtherHost;

beforeAll(async () => {
  other = await startOtherHost('127.0.0.2');
  const { readFile } = await import('node:fs/promises');
  faultyBytes = new Uint8Array(await readFile(path.join(dataDir, FAULTY)));
});
afterAll(async () => {
  await other.close();
});

let mirrorCount = 0;
function mirror(fault?: TestRoute): { url: string; path: string } {
  const folder = `cli${++mirrorCount}`;
  const routes = realDataRoutes();
  routes[FAULTY] = fault ?? goodRoute();
  return { url: server.mirror(folder, routes), path: `/${folder}/${FAULTY}` };
}

async function prefill(ctx: CaseContext): Promise<void> {
  const folder = path.join(ctx.cacheDir, fashionMnist.id);
  await mkdir(folder, { recursive: true });
  for (const name of PREFILLED) await copyFile(path.join(dataDir, name), path.join(folder, name));
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

async function download(
  ctx: CaseContext,
  mirrors: string[],
  extra: string[] = [],
): Promise<CliRun> {
  await prefill(ctx);
  const args = ['download', '--cache-dir', ctx.cacheDir, '--retry-delay', '5', '--timeout', '2'];
  for (const m of mirrors) args.push('--mirror', m);
  const started = performance.now();
  const result = await runToEnd(spawnCli([...args, ...extra]));
  return { ...result, ms: performance.now() - started };
}

function expectExit(run: CliRun, code: number): void {
  expect(run.code, `exit ${run.code}\n${run.stdout}\n${run.stderr}`).toBe(code);
}

// `pnpm test` (FMNIST_RELIABILITY_QUICK=1) runs only the cases marked `quick`: each one starts
// a Node process, which costs about a second.
const quick = process.env.FMNIST_RELIABILITY_QUICK === '1';

function cliCase(
  name: string,
  expected: string,
  body: (ctx: CaseContext) => Promise<string>,
  inQuickRun = false,
) {
  const spec = {
    category: 'network (CLI)' as const,
    name,
    expected,
    descriptors: [fashionMnist],
    noTemp: true,
  };
  caseTest(spec, body, { notProducible: missing, skip: quick && !inQuickRun });
}

async function recovered(ctx: CaseContext, run: CliRun, how: string): Promise<string> {
  expectExit(run, 0);
  expect(run.stdout).toMatch(/All 4 files of Fashion-MNIST are in/);
  ctx.facts.ms = Math.round(run.ms);
  return `exit 0, ${how}`;
}

function failed(run: CliRun, reason: RegExp): string {
  expectExit(run, 4);
  const line = run.stderr.trim().split('\n')[0];
  expect(line).toMatch(/Could not download t10k-labels-idx1-ubyte\.gz/);
  expect(line).toMatch(reason);
  const why = line
    .replace(/^fmnist: Could not download t10k-labels-idx1-ubyte\.gz /, '')
    .replace(/http:\/\/127\.0\.0\.\d:\d+\/\S+/g, '<url>');
  return `exit 4: ${why.length > 150 ? `${why.slice(0, 150)}...` : why}`;
}

cliCase(
  '404, then the next mirror',
  'exit 0, recovered (next mirror)',
  async (ctx) => {
    const a = mirror({ kind: 'status', status: 404 });
    const b = mirror();
    const run = await download(ctx, [a.url, b.url]);
    expect(server.requests(a.path)).toBe(1);
    return recovered(ctx, run, 'recovered (next mirror)');
  },
  true,
);

cliCase('404 on the only mirror', 'exit 4 (HTTP 404)', async (ctx) => {
  const a = mirror({ kind: 'status', status: 404 });
  return failed(await download(ctx, [a.url]), /404/);
});

cliCase('500, then 200', 'exit 0, recovered (retry)', async (ctx) => {
  const a = mirror({
    kind: 'sequence',
    routes: [{ kind: 'status', status: 500 }, goodRoute()],
  });
  const run = await download(ctx, [a.url]);
  expect(server.requests(a.path)).toBe(2);
  return recovered(ctx, run, 'recovered (retry)');
});

cliCase(
  '503 with Retry-After: 1, then 200',
  'exit 0, recovered (retry after >= 1 s)',
  async (ctx) => {
    const a = mirror({
      kind: 'sequence',
      routes: [{ kind: 'status', status: 503, headers: { 'retry-after': '1' } }, goodRoute()],
    });
    const run = await download(ctx, [a.url]);
    expect(run.ms).toBeGreaterThanOrEqual(1000);
    expect(server.requests(a.path)).toBe(2);
    return recovered(ctx, run, 'recovered (retry after >= 1 s)');
  },
  true,
);

cliCase('connection reset mid-body, then 200', 'exit 0, recovered (retry)', async (ctx) => {
  const a = mirror({
    kind: 'sequence',
    routes: [{ kind: 'cut', body: faultyBytes, afterBytes: 2000 }, goodRoute()],
  });
  return recovered(ctx, await download(ctx, [a.url]), 'recovered (retry)');
});

cliCase('connection reset mid-body on every attempt', 'exit 4 (3 attempts)', async (ctx) => {
  const a = mirror({ kind: 'cut', body: faultyBytes, afterBytes: 2000 });
  const run = await download(ctx, [a.url]);
  expect(server.requests(a.path)).toBe(3);
  return failed(run, /after 3 attempt/);
});

cliCase(
  'stalled body, next mirror',
  'exit 0, recovered (next mirror after timeout)',
  async (ctx) => {
    const a = mirror({ kind: 'stall', body: faultyBytes, afterBytes: 1000 });
    const b = mirror();
    const run = await download(ctx, [a.url, b.url], ['--timeout', '0.3', '--retries', '0']);
    return recovered(ctx, run, 'recovered (next mirror after timeout)');
  },
);

cliCase(
  'stalled body on the only mirror',
  'exit 4 (timeout)',
  async (ctx) => {
    const a = mirror({ kind: 'stall', body: faultyBytes, afterBytes: 1000 });
    return failed(await download(ctx, [a.url], ['--timeout', '0.3', '--retries', '0']), /No data/);
  },
  true,
);

cliCase(
  'slow drip (128 B every 50 ms: 2 s in total, 1 s idle timeout)',
  'exit 0, one request',
  async (ctx) => {
    // Never more than 50 ms without a byte against a 1 s timeout: a 20x margin for a loaded machine.
    const a = mirror({ kind: 'drip', body: faultyBytes, chunkBytes: 128, intervalMs: 50 });
    const run = await download(ctx, [a.url], ['--timeout', '1']);
    expect(server.requests(a.path)).toBe(1);
    return recovered(ctx, run, 'one request');
  },
);

cliCase('Content-Length shorter than the body', 'exit 4 (wrong sha256)', async (ctx) => {
  const a = mirror({
    kind: 'badLength',
    body: faultyBytes,
    contentLength: faultyBytes.length - 100,
  });
  return failed(await download(ctx, [a.url]), /wrong sha256/);
});

cliCase(
  'Content-Length longer than the body, then 200',
  'exit 0, recovered (retry)',
  async (ctx) => {
    const a = mirror({
      kind: 'sequence',
      routes: [
        { kind: 'badLength', body: faultyBytes, contentLength: faultyBytes.length + 100 },
        goodRoute(),
      ],
    });
    return recovered(ctx, await download(ctx, [a.url]), 'recovered (retry)');
  },
);

const html: TestRoute = {
  kind: 'bytes',
  body: new TextEncoder().encode('<!doctype html><html><body><h1>Oops</h1></body></html>\n'),
  headers: { 'content-type': 'text/html' },
};

cliCase(
  'HTML error page with status 200, only mirror',
  'exit 4 (wrong sha256)',
  async (ctx) => {
    return failed(await download(ctx, [mirror(html).url]), /wrong sha256/);
  },
  true,
);

cliCase(
  'HTML error page with status 200, next mirror',
  'exit 0, recovered (next mirror)',
  async (ctx) => {
    const run = await download(ctx, [mirror(html).url, mirror().url]);
    return recovered(ctx, run, 'recovered (next mirror)');
  },
);

cliCase('redirect loop', 'exit 4 (redirect count exceeded, 1 attempt)', async (ctx) => {
  const folder = `cli${++mirrorCount}`;
  server.route(`/${folder}/${FAULTY}`, { kind: 'redirect', location: `/${folder}/${FAULTY}` });
  const run = await download(ctx, [server.url(`/${folder}/`)]);
  return failed(run, /after 1 attempt.*redirect/);
});

cliCase(
  'redirect to another host (127.0.0.2) serving the right file',
  'exit 0, recovered (redirect followed, sha256 checked)',
  async (ctx) => {
    other.serve(faultyBytes);
    const a = mirror({ kind: 'redirect', location: `${other.baseUrl}cli/${FAULTY}` });
    const run = await download(ctx, [a.url]);
    expect(other.requests(`/cli/${FAULTY}`)).toBe(1);
    return recovered(ctx, run, 'recovered (redirect followed, sha256 checked)');
  },
);

cliCase(
  'redirect to another host (127.0.0.2) serving a wrong file',
  'exit 4 (wrong sha256)',
  async (ctx) => {
    const wrong = faultyBytes.slice();
    wrong[wrong.length - 20] ^= 0xff;
    other.serve(wrong);
    const a = mirror({ kind: 'redirect', location: `${other.baseUrl}cli-bad/${FAULTY}` });
    return failed(await download(ctx, [a.url]), /wrong sha256/);
  },
  true,
);
