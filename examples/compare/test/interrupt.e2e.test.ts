// Ctrl-C during `pnpm start`: the running job stops at its next batch, exit code 130, no report.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { realDataDir } from '@fmnist/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_EXIT_CODE } from '../src/workerProtocol.ts';

const exampleDir = path.resolve(import.meta.dirname, '..');
let outDir: string | undefined;
let command: ChildProcess | undefined;

afterAll(async () => {
  command?.kill('SIGKILL');
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** The job worker processes (src/worker.ts) whose parent is `pid` (Linux: from /proc). */
function workersOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        // `pid (comm) state ppid ...`: comm may hold spaces, so split after its closing bracket.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return (
          parent === pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('worker.ts')
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.runIf(process.platform === 'linux')('pnpm start, interrupted', () => {
  it('stops the running job on SIGINT, exits with 130 within seconds and writes no report', async () => {
    outDir = await mkdtemp(path.join(tmpdir(), 'fmnist-compare-sigint-'));
    const args = [
      '--conditions=@fmnist/source',
      '--import',
      'tsx',
      'src/main.ts',
      '--baselines',
      'tfjs-mlp',
      '--train-samples',
      '3000',
      '--test-samples',
      '500',
      // Far more than it will get to: the job is interrupted in its first epochs.
      '--epochs',
      '200',
      '--progress',
      'lines',
      '--out-dir',
      outDir,
    ];
    const child = spawn(process.execPath, args, {
      cwd: exampleDir,
      env: {
        ...process.env,
        FMNIST_DATA_DIR: realDataDir('fashion-mnist'),
        FMNIST_CACHE_DIR: path.join(outDir, 'cache'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    command = child;
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    // Wait until the worker trains.
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk) => {
        stdout += chunk;
        if (/\] train \d+%/.test(stdout)) resolve();
      });
      void exited.then(() => reject(new Error(`exited before training:\n${stdout}\n${stderr}`)));
    });
    const workers = workersOf(child.pid!);
    expect(workers).toHaveLength(1);

    const sent = performance.now();
    child.kill('SIGINT');
    const { code, signal } = await exited;
    const seconds = (performance.now() - sent) / 1000;

    expect({ code, signal }, `${stdout}\n${stderr}`).toEqual({
      code: INTERRUPTED_EXIT_CODE,
      signal: null,
    });
    // Well within the 10 s after which the parent would SIGKILL a worker that did not stop.
    expect(seconds).toBeLessThan(8);
    expect(stderr).toContain('interrupted');
    expect(stdout).not.toContain('✓ fashion-mnist/tfjs-mlp');
    expect(existsSync(path.join(outDir, 'compare.json'))).toBe(false);
    expect(existsSync(path.join(outDir, 'compare.md'))).toBe(false);
    for (const pid of workers) expect(isAlive(pid), `worker ${pid}`).toBe(false);
  }, 180_000);
});
