// Every exit code of the `fmnist` table (packages/cli/README.md) from a real invocation of the
// built binary, plus help, a stdout that fails (`> /dev/full`, a closed pipe) and a core error
// in the CLI's words. Expected: the documented code, and at most one line on stderr.
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fashionMnist } from '@fmnist/core';
import { realDataDir, startTestServer, type TestServer } from '@fmnist/test-utils';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  type CaseContext,
  type CaseSpec,
  caseTest,
  cliBin,
  cliCannotRun,
  cliOnRealData,
  expectExit,
  interruptWhileWriting,
  oneLine,
  realDataRoutes,
  runToEnd,
  spawnCli,
} from '../src/index.ts';

const missing = cliCannotRun();
const dataDir = realDataDir('fashion-mnist');

function codeCase(name: string, expected: string, body: (ctx: CaseContext) => Promise<string>) {
  const spec: CaseSpec = { category: 'exit codes (CLI)', name, expected, noTemp: true };
  caseTest(spec, body, { notProducible: missing });
}

const cli = (ctx: CaseContext, args: string[]) => runToEnd(cliOnRealData(ctx.cacheDir, args));

let server: TestServer | undefined;
let goodMirror = '';
let deadMirror = '';
beforeAll(async () => {
  if (missing) return;
  server = await startTestServer();
  const dead: Record<string, { kind: 'status'; status: number }> = {};
  for (const file of Object.values(fashionMnist.files)) {
    dead[file.name] = { kind: 'status', status: 404 };
  }
  goodMirror = server.mirror('codes-good', realDataRoutes());
  deadMirror = server.mirror('codes-404', dead);
});
afterAll(async () => {
  await server?.close();
});

codeCase('0: `verify` on the real data', 'exit 0', async (ctx) => {
  const run = await cli(ctx, ['verify']);
  expectExit(run, 0);
  expect(run.stderr).toBe('');
  return 'exit 0';
});

codeCase('0: `fmnist help` and `fmnist help export`', 'exit 0; help on stdout', async (ctx) => {
  const top = await runToEnd(spawnCli(['help']));
  expectExit(top, 0);
  expect(top.stdout).toMatch(/^Usage: fmnist/);
  expect(top.stdout).toMatch(/Exit codes:\n {2}0 +success/);
  const sub = await runToEnd(spawnCli(['help', 'export']));
  expectExit(sub, 0);
  expect(sub.stdout).toMatch(/^Usage: fmnist export/);
  expect(sub.stdout).toContain('--force');
  void ctx;
  return 'exit 0; help on stdout';
});

codeCase('2: `fmnist help nosuch`', 'exit 2; one line, no help dump', async () => {
  const run = await runToEnd(spawnCli(['help', 'nosuch']));
  expectExit(run, 2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toBe("error: unknown command 'nosuch'\n");
  return 'exit 2; one line, no help dump';
});

/** Runs the binary with stdout on /dev/full, where every write fails with ENOSPC. */
async function toDevFull(ctx: CaseContext, args: string[]) {
  const full = await open('/dev/full', 'w');
  try {
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [cliBin, ...args, '--data-dir', dataDir, '--cache-dir', ctx.cacheDir],
      { stdio: ['ignore', full.fd, 'pipe'] },
    );
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, signal: null, stdout: '', stderr };
  } finally {
    await full.close();
  }
}

codeCase(
  '1: `info > /dev/full` and `show 0 > /dev/full`',
  'exit 1; one line on stderr, no stack trace',
  async (ctx) => {
    for (const args of [['info'], ['show', '0']]) {
      const run = await toDevFull(ctx, args);
      expectExit(run, 1);
      oneLine(run, /^fmnist: Could not write to standard output: ENOSPC/);
    }
    return 'exit 1; one line on stderr, no stack trace';
  },
);

codeCase('2: an unknown option', 'exit 2', async (ctx) => {
  const run = await cli(ctx, ['info', '--jsn']);
  expectExit(run, 2);
  expect(run.stderr).toContain("unknown option '--jsn'");
  return 'exit 2';
});

codeCase('3: a data directory that does not exist', 'exit 3', async (ctx) => {
  const nowhere = path.join(ctx.workDir, 'nowhere');
  const run = await runToEnd(
    spawnCli(['info', '--data-dir', nowhere, '--cache-dir', ctx.cacheDir]),
  );
  expectExit(run, 3);
  oneLine(run, /does not exist\.$/);
  return 'exit 3';
});

codeCase('4: a download whose only mirror answers 404', 'exit 4', async (ctx) => {
  const run = await runToEnd(
    spawnCli(['download', '--mirror', deadMirror, '--retries', '0', '--cache-dir', ctx.cacheDir]),
  );
  expectExit(run, 4);
  oneLine(run, /^fmnist: Could not download train-images-idx3-ubyte\.gz/);
  return 'exit 4';
});

codeCase(
  '130 and 143: SIGINT and SIGTERM during `export -f csv`',
  'exit 130; exit 143',
  async (ctx) => {
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      const out = path.join(ctx.workDir, signal);
      const { run } = await interruptWhileWriting(
        out,
        () => cliOnRealData(ctx.cacheDir, ['export', '-f', 'csv', '-o', out, '--split', 'train']),
        signal,
      );
      expectExit(run, code);
      oneLine(run, /interrupted\.$/);
    }
    return 'exit 130; exit 143';
  },
);

codeCase(
  '141: stdout closed by its reader (EPIPE); `| head -1` prints no stack',
  'exit 141, nothing on stderr',
  async (ctx) => {
    const child = cliOnRealData(ctx.cacheDir, ['info']);
    child.process.stdout?.destroy();
    const run = await runToEnd(child);
    expectExit(run, 141);
    expect(run.stderr).toBe('');
    const { spawn } = await import('node:child_process');
    const shell = spawn(
      'sh',
      ['-c', `"${process.execPath}" "${cliBin}" show 0 --data-dir "${dataDir}" | head -1`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    shell.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    shell.stdout.resume();
    const code = await new Promise<number | null>((resolve) => shell.on('close', resolve));
    expect(code).toBe(0);
    expect(stderr).toBe('');
    return 'exit 141, nothing on stderr';
  },
);

codeCase(
  'a core CACHE_IO error in the CLI: `download --cache-dir` under a file',
  'exit 1; names --cache-dir, no "cache: false"',
  async (ctx) => {
    const file = path.join(ctx.workDir, 'a-file');
    await writeFile(file, 'not a folder');
    const run = await runToEnd(
      spawnCli(['download', '--mirror', goodMirror, '--cache-dir', path.join(file, 'cache')]),
    );
    expectExit(run, 1);
    const line = oneLine(run, /--cache-dir/);
    expect(line).not.toMatch(/cache: false|the cache option|timeoutMs/);
    return 'exit 1; names --cache-dir, no "cache: false"';
  },
);
