// File-system faults around the cache: unreadable, read-only and missing directories, a file
// replaced by a directory, a parent that is a file, and a real disk-full write (a tiny tmpfs).
// Expected: a clear CACHE_IO error naming the path (or success where the cache is only read),
// and nothing under a final name that passes for valid without being valid.
//
// The suite usually runs as root in containers, where permission bits stop nothing. Permission
// cases then run the loader in a child process as the unprivileged user nobody; read-only and
// disk-full cases mount a real tmpfs (read-only, or 128 kB). Where neither is possible they are
// recorded as not producible, never faked.
import { chmod, chown, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fashionMnist } from '@fmnist/core';
import { beforeAll, expect, it } from 'vitest';
import {
  type CaseContext,
  type CaseSpec,
  cannotMount,
  caseTest,
  cliCannotRun,
  FIXTURE_NAMES,
  fixtureDataset,
  fixtureRoutes,
  isRoot,
  loadFromMirrors,
  mountTmpfs,
  NOBODY,
  realDataRoutes,
  rejection,
  remountReadOnly,
  runCase,
  runToEnd,
  sameBytes,
  spawnCli,
  spawnScript,
  useTestServer,
} from '../src/index.ts';

const fx = fixtureDataset('rel-fs', { count: 200, seed: 11 });
const IMAGES = FIXTURE_NAMES.trainImages;
const LABELS = FIXTURE_NAMES.trainLabels;

const server = useTestServer();
let mirror: string;
beforeAll(() => {
  mirror = server.mirror('fs', fixtureRoutes(fx));
});

const spec = (name: string, expected: string): CaseSpec => ({
  category: 'file system',
  name,
  expected,
  descriptors: [fx.descriptor],
  noTemp: true,
});

function load(cacheDir: string) {
  return loadFromMirrors(cacheDir, fx.descriptor, [mirror]);
}

/** Fills `dir/rel-fs/` with the valid train files. */
async function prefill(dir: string): Promise<string> {
  const folder = path.join(dir, fx.descriptor.id);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, IMAGES), fx.files[IMAGES]);
  await writeFile(path.join(folder, LABELS), fx.files[LABELS]);
  return folder;
}

interface ChildOutcome {
  ok: boolean;
  code?: string;
  message?: string;
  errno?: string;
}

/** Loads in a child process, as nobody when we are root (so permission bits apply). */
async function loadAsUser(ctx: CaseContext): Promise<ChildOutcome> {
  const child = spawnScript('test/children/loadChild.ts', [ctx.cacheDir], {
    env: { REL_DESCRIPTOR: JSON.stringify(fx.descriptor), REL_MIRRORS: JSON.stringify([mirror]) },
    ...(isRoot() ? NOBODY : {}),
  });
  const line = await child.waitForLine((l) => l.startsWith('result '), 60_000);
  await child.exited;
  return JSON.parse(line.slice('result '.length)) as ChildOutcome;
}

/** Hands the scratch folder to nobody, so that only the mode bits under test deny access. */
async function giveToNobody(ctx: CaseContext): Promise<void> {
  if (!isRoot()) return;
  await chmod(ctx.workDir, 0o755);
  const walk = async (p: string) => {
    await chown(p, NOBODY.uid, NOBODY.gid);
    const entries = await readdir(p, { withFileTypes: true }).catch(() => []);
    for (const e of entries) await walk(path.join(p, e.name));
  };
  await walk(ctx.cacheDir);
}

it('missing cache directory (nested, absent)', () =>
  runCase(spec('missing cache directory (nested, absent)', 'created; loaded'), async (ctx) => {
    const dir = path.join(ctx.cacheDir, 'not', 'there', 'yet');
    ctx.auditDirs.push(dir);
    const split = await load(dir);
    expect(sameBytes(split.images, fx.split.images)).toBe(true);
    expect((await readdir(path.join(dir, fx.descriptor.id))).sort()).toEqual(
      [IMAGES, LABELS].sort(),
    );
    return 'created; loaded';
  }));

it('cache directory whose parent is a file', () =>
  runCase(
    spec('cache directory whose parent is a file', 'CACHE_IO naming the path'),
    async (ctx) => {
      await mkdir(ctx.workDir, { recursive: true });
      const file = path.join(ctx.workDir, 'a-file');
      await writeFile(file, 'not a directory');
      const dir = path.join(file, 'cache');
      const error = await rejection(load(dir));
      expect(error.code).toBe('CACHE_IO');
      expect(error.message).toContain(file);
      ctx.facts.errno = error.details.code;
      return `CACHE_IO (${error.details.code}) naming the path`;
    },
  ));

it('cached file replaced by a directory', () =>
  runCase(
    spec('cached file replaced by a directory', 'CACHE_IO (EISDIR) naming the path'),
    async (ctx) => {
      const folder = await prefill(ctx.cacheDir);
      const { rm } = await import('node:fs/promises');
      await rm(path.join(folder, IMAGES));
      await mkdir(path.join(folder, IMAGES, 'inside'), { recursive: true });
      const error = await rejection(load(ctx.cacheDir));
      expect(error.code).toBe('CACHE_IO');
      expect(error.message).toContain(path.join(folder, IMAGES));
      expect(error.details.code).toBe('EISDIR');
      return 'CACHE_IO (EISDIR) naming the path';
    },
  ));

for (const which of ['file', 'directory'] as const) {
  const name =
    which === 'file'
      ? 'unreadable cached file (mode 000)'
      : 'unreadable cache directory (mode 000)';
  const s = spec(name, 'CACHE_IO (EACCES) naming the path');
  it(name, () =>
    runCase(s, async (ctx) => {
      const folder = await prefill(ctx.cacheDir);
      await giveToNobody(ctx);
      const target = which === 'file' ? path.join(folder, IMAGES) : folder;
      await chmod(target, 0o000);
      ctx.cleanup.push(() => chmod(target, which === 'file' ? 0o644 : 0o755));
      const result = await loadAsUser(ctx);
      expect(result, JSON.stringify(result)).toMatchObject({ ok: false, code: 'CACHE_IO' });
      expect(result.message).toContain(target);
      expect(result.errno).toBe('EACCES');
      ctx.facts.as = isRoot() ? 'nobody (suite runs as root)' : 'the current user';
      return 'CACHE_IO (EACCES) naming the path';
    }),
  );
}

const mountProblem = cannotMount();

/** A read-only directory: a read-only tmpfs as root, else mode 555 (which binds non-root users). */
async function readOnlyCache(ctx: CaseContext, prefilled: boolean): Promise<void> {
  if (isRoot()) {
    const unmount = mountTmpfs(ctx.cacheDir, '1m');
    ctx.cleanup.push(unmount);
    if (prefilled) await prefill(ctx.cacheDir);
    remountReadOnly(ctx.cacheDir);
  } else {
    if (prefilled) await prefill(ctx.cacheDir);
    else await mkdir(ctx.cacheDir, { recursive: true });
    const folders = [ctx.cacheDir, path.join(ctx.cacheDir, fx.descriptor.id)];
    for (const f of folders) await chmod(f, 0o555).catch(() => undefined);
    ctx.cleanup.push(async () => {
      for (const f of folders) await chmod(f, 0o755).catch(() => undefined);
    });
  }
}

for (const prefilled of [false, true]) {
  const name = prefilled
    ? 'read-only cache directory holding valid files'
    : 'read-only cache directory, empty';
  const s = spec(
    name,
    prefilled
      ? 'loaded from the cache, no request'
      : `CACHE_IO (${isRoot() ? 'EROFS' : 'EACCES'}) naming the path`,
  );
  const why = `runs as root, where mode bits do not bind, and ${mountProblem}`;
  caseTest(
    s,
    async (ctx) => {
      await readOnlyCache(ctx, prefilled);
      server.resetCounts();
      if (prefilled) {
        const split = await load(ctx.cacheDir);
        expect(sameBytes(split.images, fx.split.images)).toBe(true);
        expect(server.requests(`/fs/${IMAGES}`)).toBe(0);
        return 'loaded from the cache, no request';
      }
      const error = await rejection(load(ctx.cacheDir));
      expect(error.code).toBe('CACHE_IO');
      expect(error.message).toContain(ctx.cacheDir);
      // The real reason, not the ENOENT that Node's recursive mkdir reports on a read-only fs.
      expect(error.details.code).toBe(isRoot() ? 'EROFS' : 'EACCES');
      return `CACHE_IO (${error.details.code}) naming the path`;
    },
    { notProducible: isRoot() && mountProblem ? why : undefined },
  );
}

{
  const name = 'disk full (ENOSPC) on a 128 kB tmpfs';
  const s = spec(name, 'CACHE_IO (ENOSPC); no partial or temp file');
  caseTest(
    s,
    async (ctx) => {
      ctx.cleanup.push(mountTmpfs(ctx.cacheDir, '128k'));
      const error = await rejection(load(ctx.cacheDir));
      expect(error.code).toBe('CACHE_IO');
      expect(error.details.code).toBe('ENOSPC');
      // Images and labels are written concurrently: whichever hits the full disk reports it.
      expect(error.message).toContain(path.join(ctx.cacheDir, fx.descriptor.id));
      const left = await readdir(path.join(ctx.cacheDir, fx.descriptor.id));
      expect(left.filter((n) => n.endsWith('.tmp'))).toEqual([]);
      expect(left).not.toContain(IMAGES);
      ctx.facts.left = left;
      return 'CACHE_IO (ENOSPC); no partial or temp file';
    },
    { notProducible: mountProblem },
  );
}

{
  const name = 'disk full (ENOSPC) under `fmnist download` (1 MB tmpfs)';
  const s: CaseSpec = { ...spec(name, 'exit 1, one-line reason; no partial or temp file') };
  s.descriptors = [fashionMnist];
  caseTest(
    s,
    async (ctx) => {
      ctx.cleanup.push(mountTmpfs(ctx.cacheDir, '1m'));
      const url = server.mirror('fs-cli', realDataRoutes());
      const run = await runToEnd(
        spawnCli(['download', '--cache-dir', ctx.cacheDir, '--mirror', url]),
      );
      expect(run.code, run.stdout + run.stderr).toBe(1);
      const line = run.stderr.trim().split('\n')[0];
      expect(line).toMatch(/ENOSPC|no space/i);
      const left = await readdir(path.join(ctx.cacheDir, fashionMnist.id)).catch(() => []);
      expect(left.filter((n) => n.endsWith('.tmp'))).toEqual([]);
      ctx.facts.left = left;
      return `exit 1: ${line.replace(ctx.cacheDir, '<cache>').slice(0, 120)}`;
    },
    { notProducible: mountProblem ?? cliCannotRun() },
  );
}
