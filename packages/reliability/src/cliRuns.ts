// Running the real `fmnist` binary in the CLI cases: the real data, an exit-code check, the
// one-line error, and an interrupt sent the moment a temporary output appears.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fashionMnist } from '@fmnist/core';
import { realDataDir, type TestRoute } from '@fmnist/test-utils';
import { expect } from 'vitest';
import { type Child, runToEnd, spawnCli } from './children.ts';
import { waitForEntry } from './watchDir.ts';

/** What a finished CLI run did. */
export type CliResult = Awaited<ReturnType<typeof runToEnd>>;

/** `fmnist ARGS` on the real Fashion-MNIST folder, with `cacheDir` as its (empty) cache. */
export function cliOnRealData(cacheDir: string, args: string[]): Child {
  return spawnCli([...args, '--data-dir', realDataDir('fashion-mnist'), '--cache-dir', cacheDir]);
}

/** Test-server routes serving every Fashion-MNIST file from the real folder, as a mirror does. */
export function realDataRoutes(): Record<string, TestRoute> {
  const dataDir = realDataDir('fashion-mnist');
  const routes: Record<string, TestRoute> = {};
  for (const file of Object.values(fashionMnist.files)) {
    routes[file.name] = { kind: 'file', path: path.join(dataDir, file.name) };
  }
  return routes;
}

/** Asserts the exit code, showing the run's output when it differs. */
export function expectExit(run: CliResult, code: number): void {
  expect(run.code, `exit ${run.code}\n${run.stdout}\n${run.stderr}`).toBe(code);
}

/** Asserts stderr is one line matching `what` (no stack trace) and returns it. */
export function oneLine(run: CliResult, what: RegExp): string {
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(what);
  return lines[0];
}

/**
 * Starts `start()`, waits (on file-system events, not a sleep) for its first `*.tmp` entry in
 * `dir`, then sends `signal`; resolves with the run and the milliseconds from signal to exit.
 */
export async function interruptWhileWriting(
  dir: string,
  start: () => Child,
  signal: NodeJS.Signals,
): Promise<{ run: CliResult; stopMs: number }> {
  await mkdir(dir, { recursive: true });
  const child = start();
  await waitForEntry(dir, (name) => name.endsWith('.tmp'));
  const sent = performance.now();
  child.process.kill(signal);
  const run = await runToEnd(child);
  return { run, stopMs: performance.now() - sent };
}
