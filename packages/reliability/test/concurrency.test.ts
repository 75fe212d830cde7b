// Eight processes load the same dataset into one empty cache at the same moment (each waits
// for a `go` line after it has started, so none gets a head start). All must succeed with
// identical bytes. There is no cross-process lock: every process downloads what it does not
// find, so the server counts how many times each file was fetched, and the extra copies must
// be harmless (atomic temp-file + rename writes, each of a verified file).
import { startTestServer, type TestRoute, type TestServer } from '@fmnist/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type CaseContext,
  type Child,
  FIXTURE_NAMES,
  fixtureDataset,
  fixtureRoutes,
  runCase,
  sha256,
  spawnScript,
} from '../src/index.ts';

const PROCESSES = 8;
const fx = fixtureDataset('rel-race', { count: 300, seed: 5 });
const expected = { images: sha256(fx.split.images), labels: sha256(fx.split.labels) };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

interface ChildResult {
  ok: boolean;
  count?: number;
  images?: string;
  labels?: string;
  code?: string;
  message?: string;
  ms?: number;
}

async function race(ctx: CaseContext, mirror: string): Promise<ChildResult[]> {
  const children: Child[] = [];
  try {
    for (let i = 0; i < PROCESSES; i++) {
      children.push(
        spawnScript('test/children/loadChild.ts', [ctx.cacheDir], {
          stdin: true,
          env: {
            REL_DESCRIPTOR: JSON.stringify(fx.descriptor),
            REL_MIRRORS: JSON.stringify([mirror]),
            REL_WAIT_GO: '1',
          },
        }),
      );
    }
    // Start only when every process has imported everything and waits.
    await Promise.all(children.map((c) => c.waitForLine((l) => l === 'ready', 60_000)));
    for (const child of children) child.process.stdin!.end('go\n');
    const lines = await Promise.all(
      children.map((c) => c.waitForLine((l) => l.startsWith('result '), 60_000)),
    );
    await Promise.all(children.map((c) => c.exited));
    return lines.map((line) => JSON.parse(line.slice('result '.length)) as ChildResult);
  } finally {
    for (const child of children) child.kill();
  }
}

// `pnpm test` (FMNIST_RELIABILITY_QUICK=1) runs the first race only.
const quick = process.env.FMNIST_RELIABILITY_QUICK === '1';

function raceCase(name: string, route: (body: Uint8Array) => TestRoute, inQuickRun = false) {
  it.skipIf(quick && !inQuickRun)(name, () =>
    runCase(
      {
        category: 'concurrency',
        name,
        expected: `all ${PROCESSES} succeed, identical bytes, extra copies harmless`,
        descriptors: [fx.descriptor],
        noTemp: true,
      },
      async (ctx) => {
        const folder = `race${name.length}`;
        const routes = fixtureRoutes(fx);
        for (const [file, r] of Object.entries(routes)) {
          if (r.kind === 'bytes') routes[file] = route(r.body);
        }
        const mirror = server.mirror(folder, routes);
        const results = await race(ctx, mirror);
        for (const r of results) {
          expect(r, JSON.stringify(r)).toMatchObject({ ok: true, count: 300, ...expected });
        }
        const downloads = {
          images: server.requests(`/${folder}/${FIXTURE_NAMES.trainImages}`),
          labels: server.requests(`/${folder}/${FIXTURE_NAMES.trainLabels}`),
        };
        // Each process fetches a file at most once (no retries were needed).
        expect(downloads.images).toBeGreaterThanOrEqual(1);
        expect(downloads.images).toBeLessThanOrEqual(PROCESSES);
        ctx.facts.downloadsPerFile = downloads;
        ctx.facts.slowestMs = Math.max(...results.map((r) => r.ms ?? 0));
        return `all ${PROCESSES} succeeded with identical bytes; downloads per file: images ${downloads.images}, labels ${downloads.labels}`;
      },
    ),
  );
}

raceCase('8 processes, one empty cache, fast server', (body) => ({ kind: 'bytes', body }), true);
// A slow server keeps all eight downloads in flight together, so the renames of the eight
// verified copies land on the same names within milliseconds.
raceCase('8 processes, one empty cache, slow server (drip)', (body) => ({
  kind: 'drip',
  body,
  chunkBytes: 32 * 1024,
  intervalMs: 20,
}));
