// The files `fmnist export`, `preview` and `download --data-dir` write, through the real binary
// on the real Fashion-MNIST data: two runs racing for one file, an output that is an input, an
// existing output, Ctrl-C and SIGTERM mid-write, a full disk (a tiny tmpfs), preview's memory.
// Expected: every file under a final name is complete (the output audit parses each one by its
// format), no temporary file is left, and an interrupted or failed run leaves the previous
// output as it was.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fashionMnist } from '@fmnist/core';
import { realDataDir, startTestServer, type TestServer } from '@fmnist/test-utils';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  auditOutputs,
  type CaseContext,
  type CaseSpec,
  type CliResult,
  cannotMount,
  caseTest,
  cliBin,
  cliCannotRun,
  cliOnRealData,
  expectExit,
  interruptWhileWriting as interruptWhile,
  mountTmpfs,
  oneLine,
  packageDir,
  realDataRoutes,
  runToEnd,
  spawnCli,
  spawnNode,
} from '../src/index.ts';

const missing = cliCannotRun();
const mountProblem = cannotMount();
const dataDir = realDataDir('fashion-mnist');
const TEST_IMAGES = fashionMnist.files.testImages.name;
const TEST_LABELS = fashionMnist.files.testLabels.name;

type Run = CliResult;

/** The audit of `dir` after the case: corrupt and temporary outputs fail it. */
function auditAfter(ctx: CaseContext, dir: string): void {
  ctx.audits.push(async () => {
    const audit = await auditOutputs(dir);
    return { corrupt: audit.corrupt, temp: audit.temp };
  });
}

/** `workDir/name`, audited after the case ({@link auditAfter}). */
function audited(ctx: CaseContext, name: string): string {
  const dir = path.join(ctx.workDir, name);
  auditAfter(ctx, dir);
  return dir;
}

function outputCase(
  name: string,
  expected: string,
  body: (ctx: CaseContext) => Promise<string>,
  needs?: string,
): void {
  const spec: CaseSpec = { category: 'outputs (CLI)', name, expected, noTemp: true };
  caseTest(spec, body, { notProducible: missing ?? needs });
}

const cli = (ctx: CaseContext, args: string[]) => cliOnRealData(ctx.cacheDir, args);

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Rows of the CSV at `file` (header excluded), checked complete by the audit as well. */
async function csvRows(file: string): Promise<number> {
  const text = await readFile(file, 'latin1');
  return text.trimEnd().split('\n').length - 1;
}

/** Two `export -f csv --split test` runs into one folder at the same moment. */
async function twoExports(ctx: CaseContext, extra: string[]): Promise<Run[]> {
  const out = audited(ctx, 'out');
  const args = ['export', '-f', 'csv', '-o', out, '--split', 'test', ...extra];
  const runs = await Promise.all([runToEnd(cli(ctx, args)), runToEnd(cli(ctx, args))]);
  expect(await csvRows(path.join(out, 'test.csv'))).toBe(10_000);
  return runs;
}

outputCase(
  'two `export -f csv` runs at once, same file, no --force',
  'one exit 0, one refused (exit 2); one complete file',
  async (ctx) => {
    const runs = await twoExports(ctx, []);
    const codes = runs.map((r) => r.code).sort();
    expect(codes, runs.map((r) => r.stderr).join('\n')).toEqual([0, 2]);
    oneLine(runs.find((r) => r.code === 2) as Run, /test\.csv already exists; pass --force/);
    return 'one exit 0, one refused (exit 2); one complete file';
  },
);

outputCase(
  'two `export -f csv --force` runs at once, same file',
  'both exit 0; one complete file',
  async (ctx) => {
    for (const run of await twoExports(ctx, ['--force'])) expectExit(run, 0);
    return 'both exit 0; one complete file';
  },
);

outputCase(
  '`export -f idx -o DIR --data-dir DIR` over the unpacked IDX it reads',
  'refused (exit 2) with and without --force; input unchanged',
  async (ctx) => {
    const dir = path.join(ctx.workDir, 'data');
    await mkdir(dir);
    const inputs: Record<string, string> = {};
    for (const name of [TEST_IMAGES, TEST_LABELS]) {
      const raw = gunzipSync(await readFile(path.join(dataDir, name)));
      await writeFile(path.join(dir, name.replace(/\.gz$/, '')), raw);
      inputs[name] = sha(raw);
    }
    auditAfter(ctx, dir);
    const args = ['export', '-f', 'idx', '-o', dir, '--split', 'test'];
    const withDir = (extra: string[]) =>
      runToEnd(spawnCli([...args, ...extra, '--data-dir', dir, '--cache-dir', ctx.cacheDir]));
    const plain = await withDir([]);
    expectExit(plain, 2);
    oneLine(plain, /already exists; pass --force/);
    const forced = await withDir(['--force']);
    expectExit(forced, 2);
    oneLine(forced, /is .*t10k-images-idx3-ubyte, a file this command reads; choose another --out/);
    for (const name of [TEST_IMAGES, TEST_LABELS]) {
      expect(sha(await readFile(path.join(dir, name.replace(/\.gz$/, ''))))).toBe(inputs[name]);
    }
    return 'refused (exit 2) with and without --force; input unchanged';
  },
);

outputCase(
  'an existing output, no --force (export and preview)',
  'refused (exit 2) naming --force; file unchanged',
  async (ctx) => {
    const out = audited(ctx, 'out');
    await mkdir(out);
    const csv = path.join(out, 'test.csv');
    const png = path.join(out, 'grid.png');
    const first = await runToEnd(
      cli(ctx, ['export', '-f', 'csv', '-o', out, '--split', 'test', '--limit', '5']),
    );
    expectExit(first, 0);
    const grid = await runToEnd(cli(ctx, ['preview', '-o', png, '-n', '4']));
    expectExit(grid, 0);
    const before = [sha(await readFile(csv)), sha(await readFile(png))];
    const again = await runToEnd(cli(ctx, ['export', '-f', 'csv', '-o', out, '--split', 'test']));
    expectExit(again, 2);
    oneLine(again, /test\.csv already exists; pass --force to replace it/);
    const preview = await runToEnd(cli(ctx, ['preview', '-o', png, '-n', '9']));
    expectExit(preview, 2);
    oneLine(preview, /grid\.png already exists; pass --force/);
    expect([sha(await readFile(csv)), sha(await readFile(png))]).toEqual(before);
    const forced = await runToEnd(cli(ctx, ['preview', '-o', png, '-n', '9', '--force']));
    expectExit(forced, 0);
    expect(sha(await readFile(png))).not.toBe(before[1]);
    return 'refused (exit 2) naming --force; file unchanged';
  },
);

/** Runs `args`, interrupted with `signal` once its temporary output appears in `dir`. */
const interruptWhileWriting = (
  ctx: CaseContext,
  dir: string,
  args: string[],
  signal: NodeJS.Signals,
) => interruptWhile(dir, () => cli(ctx, args), signal);

outputCase(
  'Ctrl-C during a `--force` CSV rerun over a good file',
  'exit 130; the previous file intact; no temp file',
  async (ctx) => {
    const out = audited(ctx, 'out');
    const base = ['export', '-f', 'csv', '-o', out, '--split', 'train'];
    expectExit(await runToEnd(cli(ctx, [...base, '--limit', '100'])), 0);
    const { run, stopMs } = await interruptWhileWriting(ctx, out, [...base, '--force'], 'SIGINT');
    expectExit(run, 130);
    expect(await csvRows(path.join(out, 'train.csv'))).toBe(100);
    ctx.facts.stopMs = Math.round(stopMs);
    return 'exit 130; the previous file intact; no temp file';
  },
);

outputCase(
  'SIGTERM during a PNG export',
  'exit 143; no <split>/ folder; no temp folder',
  async (ctx) => {
    const out = audited(ctx, 'out');
    const args = ['export', '-f', 'png', '-o', out, '--split', 'test'];
    const { run, stopMs } = await interruptWhileWriting(ctx, out, args, 'SIGTERM');
    expectExit(run, 143);
    expect((await auditOutputs(out)).valid).toEqual([]);
    ctx.facts.stopMs = Math.round(stopMs);
    return 'exit 143; no <split>/ folder; no temp folder';
  },
);

outputCase(
  'disk full (1 MiB tmpfs): `.npy` export, then a `--force` CSV rerun over a good file',
  'exit 1 naming the file that failed; previous file intact; no temp file',
  async (ctx) => {
    const out = audited(ctx, 'full');
    ctx.cleanup.push(mountTmpfs(out, '1m'));
    const npy = await runToEnd(cli(ctx, ['export', '-f', 'npy', '-o', out, '--split', 'test']));
    expectExit(npy, 1);
    oneLine(npy, /^fmnist: Could not write .*test-images\.npy: ENOSPC/);
    const csv = ['export', '-f', 'csv', '-o', out, '--split', 'test'];
    expectExit(await runToEnd(cli(ctx, [...csv, '--limit', '50'])), 0);
    const rerun = await runToEnd(cli(ctx, [...csv, '--force']));
    expectExit(rerun, 1);
    oneLine(rerun, /^fmnist: Could not write .*test\.csv: ENOSPC/);
    expect(await csvRows(path.join(out, 'test.csv'))).toBe(50);
    return 'exit 1 naming the file that failed; previous file intact; no temp file';
  },
  mountProblem,
);

let server: TestServer | undefined;
beforeAll(async () => {
  if (missing) return;
  server = await startTestServer();
  mirrorUrl = server.mirror('outputs', realDataRoutes());
});
afterAll(async () => {
  await server?.close();
});
let mirrorUrl = '';

outputCase(
  'disk full (64 KiB tmpfs): `download --data-dir`',
  'exit 1 naming the file that failed; no partial file; no temp file',
  async (ctx) => {
    const dir = audited(ctx, 'full');
    ctx.cleanup.push(mountTmpfs(dir, '64k'));
    const run = await runToEnd(
      spawnCli(['download', '--data-dir', dir, '--mirror', mirrorUrl, '--cache-dir', ctx.cacheDir]),
    );
    expectExit(run, 1);
    oneLine(run, /^fmnist: Could not write .*train-images-idx3-ubyte\.gz: ENOSPC/);
    return 'exit 1 naming the file that failed; no partial file; no temp file';
  },
  mountProblem,
);

/** Peak RSS (kB) of a `preview` run, from the preloaded reporter. */
async function previewRss(ctx: CaseContext, out: string, args: string[]) {
  const preload = path.join(packageDir, 'test/children/maxRss.mjs');
  const started = performance.now();
  const child = spawnNode([
    '--import',
    preload,
    cliBin,
    'preview',
    '-o',
    out,
    ...args,
    '--data-dir',
    dataDir,
    '--cache-dir',
    ctx.cacheDir,
  ]);
  const run = await runToEnd(child);
  expectExit(run, 0);
  const kb = Number(/maxrss (\d+)/.exec(run.stderr)?.[1]);
  expect(kb).toBeGreaterThan(0);
  return { kb, ms: performance.now() - started };
}

/** The stated bound (README): peak memory above a one-image preview <= 32 MiB + the PNG. */
const PREVIEW_FIXED_BYTES = 32 * 1024 * 1024;

outputCase(
  'preview memory: a 6200 x 6800 grid (2500 images, --scale 4) against a one-image run',
  'peak RSS above the baseline <= 32 MiB + 1x the PNG',
  async (ctx) => {
    const out = audited(ctx, 'out');
    const tiny = await previewRss(ctx, path.join(out, 'tiny.png'), ['-n', '1', '--scale', '1']);
    const big = await previewRss(ctx, path.join(out, 'big.png'), ['-n', '2500', '--scale', '4']);
    const png = (await readFile(path.join(out, 'big.png'))).length;
    const extra = (big.kb - tiny.kb) * 1024;
    ctx.facts.extraMiB = Math.round((extra / 2 ** 20) * 10) / 10;
    ctx.facts.baselineMiB = Math.round(tiny.kb / 1024);
    ctx.facts.pngMiB = Math.round(png / 2 ** 20);
    ctx.facts.rawGridMiB = Math.round((6200 * 6800 * 3) / 2 ** 20);
    expect(extra).toBeLessThanOrEqual(PREVIEW_FIXED_BYTES + png);
    return 'peak RSS above the baseline <= 32 MiB + 1x the PNG';
  },
);

outputCase(
  'Ctrl-C during a large preview',
  'exit 130 soon after SIGINT; no file left',
  async (ctx) => {
    const out = audited(ctx, 'out');
    await mkdir(out);
    const tiny = performance.now();
    expectExit(await runToEnd(cli(ctx, ['preview', '-o', path.join(out, 't.png'), '-n', '1'])), 0);
    const tinyMs = performance.now() - tiny;
    const { unlink } = await import('node:fs/promises');
    await unlink(path.join(out, 't.png'));
    const args = ['preview', '-o', path.join(out, 'big.png'), '-n', '2500', '--scale', '4'];
    const { run, stopMs } = await interruptWhileWriting(ctx, out, args, 'SIGINT');
    expectExit(run, 130);
    oneLine(run, /^fmnist: .*interrupted\.$/);
    expect((await auditOutputs(out)).valid).toEqual([]);
    // Generous: a band takes milliseconds; a whole process start is the unit of slowness here.
    const bound = Math.max(3000, 5 * tinyMs);
    expect(stopMs).toBeLessThan(bound);
    ctx.facts.stopMs = Math.round(stopMs);
    ctx.facts.boundMs = Math.round(bound);
    return 'exit 130 soon after SIGINT; no file left';
  },
);
