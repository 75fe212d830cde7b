// Child processes for the cases that need more than one process: concurrent loaders, processes
// killed with SIGKILL, an unprivileged user for permission faults, and the real `fmnist` binary.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package folder (children run with it as cwd so `--import tsx` resolves). */
export const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The repository root. */
export const repoRoot = path.resolve(packageDir, '../..');

/** The `fmnist` binary, as a user runs it (needs `pnpm --filter @fmnist/cli build`). */
export const cliBin = path.join(repoRoot, 'packages/cli/bin/fmnist.js');

/** Why the CLI cannot be run, or undefined when its binary and build exist. */
export function cliMissing(): string | undefined {
  if (!existsSync(cliBin)) return `no ${path.relative(repoRoot, cliBin)}`;
  const main = path.join(repoRoot, 'packages/cli/dist/main.js');
  if (!existsSync(main)) return 'packages/cli is not built (run pnpm --filter @fmnist/cli build)';
  return undefined;
}

/** A running child with its output split into lines. */
export interface Child {
  process: ChildProcess;
  /** stdout lines so far. */
  lines: string[];
  /** stderr so far. */
  stderr(): string;
  /** Resolves with the first stdout line (past or future) that `match` accepts. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL, if it still runs. */
  kill(): void;
}

/** Options for {@link spawnChild}. */
export interface SpawnOptions {
  /** Extra environment (undefined removes a variable). */
  env?: Record<string, string | undefined>;
  /** Run as this uid/gid (only root can); used to get an unprivileged user. */
  uid?: number;
  gid?: number;
  /** Kill it after this long no matter what (a case must never hang). Default 60 s. */
  guardMs?: number;
  /** Called for every stdout line as it arrives (to SIGKILL at the right moment). */
  onLine?: (line: string, child: Child) => void;
  /** Keep stdin open as a pipe (default: ignored). */
  stdin?: boolean;
}

/**
 * The environment children start from: this process's, without FMNIST_* variables (a child
 * must see only what the case sets up) and without colours.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('FMNIST_')) continue;
    if (key === 'FORCE_COLOR' || key === 'NO_COLOR' || key.startsWith('VITEST')) continue;
    env[key] = value;
  }
  env.NO_COLOR = '1';
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Spawns `node <args>` (args start with a script path) and collects its output. */
export function spawnNode(args: string[], options: SpawnOptions = {}): Child {
  const proc = spawn(process.execPath, args, {
    cwd: packageDir,
    env: cleanEnv(options.env),
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid }),
  });
  const lines: string[] = [];
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let stderr = '';
  let buffered = '';
  const child: Child = {
    process: proc,
    lines,
    stderr: () => stderr,
    waitForLine(match, timeoutMs = 30_000) {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `child printed no matching line in ${timeoutMs} ms:\n${lines.join('\n')}\n${stderr}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
    exited: new Promise((resolve, reject) => {
      proc.on('error', reject);
      proc.on('close', (code, signal) => resolve({ code, signal }));
    }),
    kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
  proc.stdout!.setEncoding('utf8');
  proc.stdout!.on('data', (text: string) => {
    buffered += text;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      options.onLine?.(line, child);
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i].match(line)) {
          waiters[i].resolve(line);
          waiters.splice(i, 1);
        }
      }
    }
  });
  proc.stdout!.on('end', () => {
    if (buffered !== '') {
      lines.push(buffered);
      buffered = '';
    }
  });
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (text: string) => {
    stderr += text;
  });
  const guard = setTimeout(() => child.kill(), options.guardMs ?? 60_000);
  void child.exited.finally(() => clearTimeout(guard)).catch(() => undefined);
  return child;
}

/** Spawns a TypeScript script of this package under tsx, resolving workspace sources. */
export function spawnScript(script: string, args: string[], options: SpawnOptions = {}): Child {
  return spawnNode(
    ['--conditions=@fmnist/source', '--import', 'tsx', path.resolve(packageDir, script), ...args],
    options,
  );
}

/** Spawns the real `fmnist` binary. */
export function spawnCli(args: string[], options: SpawnOptions = {}): Child {
  return spawnNode([cliBin, ...args], options);
}

/** Runs a child to the end: exit code, signal, stdout and stderr. */
export async function runToEnd(
  child: Child,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const { code, signal } = await child.exited;
  return { code, signal, stdout: child.lines.join('\n'), stderr: child.stderr() };
}
