// Eight processes load the same dataset into one empty cache at the same moment (each waits
// for a `go` line after it has started, so none gets a head start). All must succeed with
// identical bytes, and fsCache's cross-process lock makes it one download per file: the
// server counts the requests. When the lock holder is SIGKILLed mid-download, the others break
// its stale lock (its pid is gone) and one of them downloads the file instead.
import type { TestRoute } from '@fmnist/test-utils';
import { expect, it } from 'vitest';
import {
  type CaseContext,
  type Child,
  FIXTURE_NAMES,
  fixtureDataset,
  fixtureRoutes,
  runCase,
  sha256,
  spawnScript,
  useTestServer,
} from '../src/index.ts';

const PROCESSES = 8;
const fx = fixtureDataset('rel-race', { count: 300, seed: 5 });
const expected = { images: sha256(fx.split.images), labels: sha256(fx.split.labels) };

const server = useTestServer();

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
        expected: `all ${PROCESSES} succeed, identical bytes, 1 download per file`,
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
        // The lock: one process downloads each file, the others take its result from the cache.
        expect(downloads).toEqual({ images: 1, labels: 1 });
        ctx.facts.downloadsPerFile = downloads;
        ctx.facts.slowestMs = Math.max(...results.map((r) => r.ms ?? 0));
        return `all ${PROCESSES} succeeded with identical bytes, 1 download per file`;
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

// The holder of the images lock is killed while it downloads (a stalled response keeps it in
// the middle); the others wait on its lock, find its pid gone, break the lock and finish.
it.skipIf(quick)('lock holder SIGKILLed mid-download: the others recover', () =>
  runCase(
    {
      category: 'concurrency',
      name: 'lock holder SIGKILLed mid-download',
      expected: 'stale lock broken; the others succeed with identical bytes',
      descriptors: [fx.descriptor],
    },
    async (ctx) => {
      const folder = 'race-killed';
      const routes = fixtureRoutes(fx);
      const images = routes[FIXTURE_NAMES.trainImages];
      if (images.kind === 'bytes') {
        // The first request stalls after a few kB (the holder is killed there, however slowly
        // the machine starts the others); later ones get the file.
        routes[FIXTURE_NAMES.trainImages] = {
          kind: 'sequence',
          routes: [{ kind: 'stall', body: images.body, afterBytes: 4096 }, images],
        };
      }
      const mirror = server.mirror(folder, routes);
      const env = {
        REL_DESCRIPTOR: JSON.stringify(fx.descriptor),
        REL_MIRRORS: JSON.stringify([mirror]),
      };
      const children: Child[] = [];
      try {
        const holder = spawnScript('test/children/loadChild.ts', [ctx.cacheDir], {
          env: { ...env, REL_PROGRESS: '1' },
        });
        children.push(holder);
        // It holds the lock once it has received bytes of the images file.
        await holder.waitForLine(
          (l) => l.startsWith(`progress ${FIXTURE_NAMES.trainImages} `) && !l.endsWith(' 0'),
          60_000,
        );
        const others: Child[] = [];
        for (let i = 0; i < 3; i++) {
          const child = spawnScript('test/children/loadChild.ts', [ctx.cacheDir], { env });
          others.push(child);
          children.push(child);
        }
        await Promise.all(others.map((c) => c.waitForLine((l) => l === 'started', 60_000)));
        holder.kill();
        await holder.exited;
        const lines = await Promise.all(
          others.map((c) => c.waitForLine((l) => l.startsWith('result '), 90_000)),
        );
        const results = lines.map((l) => JSON.parse(l.slice('result '.length)) as ChildResult);
        for (const r of results) {
          expect(r, JSON.stringify(r)).toMatchObject({ ok: true, count: 300, ...expected });
        }
        const downloads = server.requests(`/${folder}/${FIXTURE_NAMES.trainImages}`);
        // The killed holder's request, then one by whoever broke its lock.
        expect(downloads).toBe(2);
        ctx.facts.imageDownloads = downloads;
        return 'stale lock broken; the others succeeded with identical bytes';
      } finally {
        for (const child of children) child.kill();
      }
    },
  ),
);
