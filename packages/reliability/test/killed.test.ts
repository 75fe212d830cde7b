// Processes killed with SIGKILL (no handler runs, nothing is cleaned up) in the middle of a
// download and in the middle of a cache write. Afterwards no file under a final name may be
// partial, and the next run must recover by itself: no manual cleanup, no stale lock.
import { existsSync, watch } from 'node:fs';
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fashionMnist } from '@fmnist/core';
import { realDataDir, type TestRoute } from '@fmnist/test-utils';
import { expect, it } from 'vitest';
import {
  type CaseContext,
  type Child,
  caseTest,
  cliMissing,
  FIXTURE_NAMES,
  fixtureDataset,
  fixtureRoutes,
  loadFromMirrors,
  runCase,
  runToEnd,
  sameBytes,
  spawnCli,
  spawnScript,
  useTestServer,
} from '../src/index.ts';

const quick = process.env.FMNIST_RELIABILITY_QUICK === '1';
const IMAGES = FIXTURE_NAMES.trainImages;
// 200 images: ~150 kB of gzip, dripped slowly enough to be killed half-way.
const small = fixtureDataset('rel-kill', { count: 200, seed: 9 });
// 12,000 images: ~9 MB of gzip, so that writing it takes long enough to be killed mid-write.
const big = fixtureDataset('rel-kill-big', { count: 12_000, seed: 10 });

const server = useTestServer();

function loader(ctx: CaseContext, fx: typeof small, mirror: string, env: Record<string, string>) {
  return spawnScript('test/children/loadChild.ts', [ctx.cacheDir], {
    env: {
      REL_DESCRIPTOR: JSON.stringify(fx.descriptor),
      REL_MIRRORS: JSON.stringify([mirror]),
      ...env,
    },
  });
}

/** The next run, in this process: it must load the right bytes without any help. */
async function nextRunRecovers(ctx: CaseContext, fx: typeof small, mirror: string) {
  const split = await loadFromMirrors(ctx.cacheDir, fx.descriptor, [mirror]);
  expect(sameBytes(split.images, fx.split.images)).toBe(true);
  expect(existsSync(path.join(ctx.cacheDir, fx.descriptor.id, IMAGES))).toBe(true);
}

async function listing(dir: string): Promise<string[]> {
  return existsSync(dir) ? (await readdir(dir)).sort() : [];
}

it('SIGKILL mid-download (loadDataset in a child)', () =>
  runCase(
    {
      category: 'killed (SIGKILL)',
      name: 'SIGKILL mid-download (loadDataset in a child)',
      expected: 'no final file for the partial download; next run recovers',
      descriptors: [small.descriptor],
    },
    async (ctx) => {
      const drip: TestRoute = {
        kind: 'drip',
        body: small.files[IMAGES],
        chunkBytes: 8 * 1024,
        intervalMs: 50,
      };
      const mirror = server.mirror('kill-dl', fixtureRoutes(small, { [IMAGES]: drip }));
      let killedAt = 0;
      const child = loader(ctx, small, mirror, { REL_PROGRESS: '1' });
      child.process.stdout!.on('data', () => {
        const last = [...child.lines].reverse().find((l) => l.startsWith(`progress ${IMAGES} `));
        const loaded = last ? Number(last.split(' ')[2]) : 0;
        if (loaded >= 48 * 1024 && killedAt === 0) {
          killedAt = loaded;
          child.kill();
        }
      });
      const { signal } = await child.exited;
      expect(signal).toBe('SIGKILL');
      expect(child.lines.some((l) => l.startsWith('result'))).toBe(false);
      const names = await listing(path.join(ctx.cacheDir, small.descriptor.id));
      expect(names).not.toContain(IMAGES);
      ctx.facts.killedAtBytes = killedAt;
      ctx.facts.ofBytes = small.files[IMAGES].length;
      server.route(`/kill-dl/${IMAGES}`, { kind: 'bytes', body: small.files[IMAGES] });
      await nextRunRecovers(ctx, small, mirror);
      return `killed at ${Math.round(killedAt / 1024)} of ${Math.round(small.files[IMAGES].length / 1024)} kB; no final file; next run recovered`;
    },
  ));

// Two moments inside fsCache.set: right after the temp file is created (nothing written yet),
// and right after its bytes are written (before fsync and rename).
const writeMoments = [
  { event: 'rename', name: 'SIGKILL mid-write: temp file just created', quickToo: true },
  { event: 'change', name: 'SIGKILL mid-write: bytes written, before the rename', quickToo: false },
] as const;

for (const moment of writeMoments) {
  caseTest(
    {
      category: 'killed (SIGKILL)',
      name: moment.name,
      expected: 'final name absent or complete; next run recovers',
      descriptors: [big.descriptor],
    },
    async (ctx) => {
      const mirror = server.mirror(`kill-write-${moment.event}`, fixtureRoutes(big));
      const folder = path.join(ctx.cacheDir, big.descriptor.id);
      await mkdir(folder, { recursive: true });
      // Kill on the watcher's first event of that kind for the images temp file: the child is
      // then inside fsCache.set, between open('wx') and rename.
      let child: Child | undefined;
      let sawTemp = '';
      const watcher = watch(folder, (event, name) => {
        if (
          !sawTemp &&
          event === moment.event &&
          name?.startsWith(`${IMAGES}.`) &&
          name.endsWith('.tmp')
        ) {
          sawTemp = name;
          child?.kill();
        }
      });
      try {
        child = loader(ctx, big, mirror, { REL_TRACE_WRITES: '1' });
        const { signal } = await child.exited;
        expect(signal, child.lines.join('\n') + child.stderr()).toBe('SIGKILL');
      } finally {
        watcher.close();
      }
      const names = await listing(folder);
      const temp = names.filter((n) => n.startsWith(`${IMAGES}.`) && n.endsWith('.tmp'));
      const final = names.includes(IMAGES);
      let tempBytes = -1;
      if (temp.length > 0) tempBytes = (await stat(path.join(folder, temp[0]))).size;
      const gz = big.files[IMAGES].length;
      ctx.facts.tempLeft = temp.length;
      ctx.facts.tempBytes = tempBytes;
      ctx.facts.fileBytes = gz;
      // The audit after the case checks that a final file, if any, is complete.
      await nextRunRecovers(ctx, big, mirror);
      const where = final
        ? 'after the rename (final file complete)'
        : tempBytes >= 0 && tempBytes < gz
          ? `inside the cache write (temp file ${Math.round(tempBytes / 1024)} of ${Math.round(gz / 1024)} kB written)`
          : 'before the rename (temp file complete, final name absent)';
      return `killed ${where}; next run recovered, temp file ignored`;
    },
    { skip: quick && !moment.quickToo },
  );
}

caseTest(
  {
    category: 'killed (SIGKILL)',
    name: 'SIGKILL at 6 moments spread over a load, then a normal run',
    expected: 'no corrupt file after any kill; next run recovers',
    descriptors: [big.descriptor],
  },
  async (ctx) => {
    const mirror = server.mirror('kill-spread', fixtureRoutes(big));
    const { auditCache } = await import('../src/cacheAudit.ts');
    // How long one load takes here (from `started`, i.e. after the imports), measured with a
    // throwaway cache, so that the kills land at fractions of it whatever the machine's load.
    const probe = spawnScript('test/children/loadChild.ts', [path.join(ctx.workDir, 'probe')], {
      env: {
        REL_DESCRIPTOR: JSON.stringify(big.descriptor),
        REL_MIRRORS: JSON.stringify([mirror]),
      },
    });
    await probe.waitForLine((l) => l === 'started', 60_000);
    const t0 = performance.now();
    await probe.waitForLine((l) => l.startsWith('result '), 60_000);
    const loadMs = performance.now() - t0;
    await probe.exited;
    const fractions = [0.1, 0.3, 0.5, 0.7, 0.85, 0.95];
    const states: string[] = [];
    for (const fraction of fractions) {
      // Each run starts from what the previous kill left behind.
      const child = loader(ctx, big, mirror, {});
      await child.waitForLine((l) => l === 'started', 60_000);
      const timer = setTimeout(() => child.kill(), Math.round(loadMs * fraction));
      const { signal } = await child.exited;
      clearTimeout(timer);
      const audit = await auditCache(ctx.cacheDir, [big.descriptor]);
      expect(audit.corrupt).toEqual([]);
      states.push(
        signal === 'SIGKILL'
          ? `${fraction}: ${audit.valid.length} valid, ${audit.temp.length} tmp`
          : `${fraction}: finished`,
      );
      if (signal !== 'SIGKILL') break;
    }
    ctx.facts.loadMs = Math.round(loadMs);
    ctx.facts.afterEachKill = states;
    await nextRunRecovers(ctx, big, mirror);
    return 'no corrupt file after any kill; next run recovered';
  },
  { skip: quick },
);

const cliReason = cliMissing();
caseTest(
  {
    category: 'killed (SIGKILL)',
    name: 'SIGKILL of `fmnist download` mid-download',
    expected: 'no final file for the partial download; next run exits 0',
    descriptors: [fashionMnist],
  },
  async (ctx) => {
    const dataDir = realDataDir('fashion-mnist');
    const folder = path.join(ctx.cacheDir, fashionMnist.id);
    await mkdir(folder, { recursive: true });
    const target = fashionMnist.files.testLabels.name;
    for (const file of Object.values(fashionMnist.files)) {
      if (file.name !== target) {
        await copyFile(path.join(dataDir, file.name), path.join(folder, file.name));
      }
    }
    const { readFile } = await import('node:fs/promises');
    const bytes = new Uint8Array(await readFile(path.join(dataDir, target)));
    const routes: Record<string, TestRoute> = {
      [target]: { kind: 'drip', body: bytes, chunkBytes: 512, intervalMs: 100 },
    };
    const mirror = server.mirror('kill-cli', routes);
    const args = ['download', '--cache-dir', ctx.cacheDir, '--mirror', mirror];
    const child = spawnCli(args);
    // Kill once a third of the file has been served.
    const poll = setInterval(() => {
      if (server.bytesSent(`/kill-cli/${target}`) >= 2048) child.kill();
    }, 20);
    const { signal } = await child.exited;
    clearInterval(poll);
    expect(signal).toBe('SIGKILL');
    expect(await listing(folder)).not.toContain(target);
    server.route(`/kill-cli/${target}`, { kind: 'bytes', body: bytes });
    const again = await runToEnd(spawnCli(args));
    expect(again.code, again.stdout + again.stderr).toBe(0);
    return 'no final file after the kill; next run exited 0';
  },
  { skip: cliReason !== undefined || quick },
);
