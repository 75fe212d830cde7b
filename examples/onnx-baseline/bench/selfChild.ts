// Running this bench script again in a fresh child process and reading the JSON line it prints last.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Runs the script at `scriptUrl` (a bench's own `import.meta.url`) in a new Node process with the
 * same flags (tsx, source conditions) and `args`, so that each measurement starts from a fresh
 * heap; resolves with the JSON object of the last line it printed.
 */
export async function runSelfChild<T>(
  scriptUrl: string,
  args: readonly string[],
  cwd?: string,
): Promise<T> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...process.execArgv, new URL(scriptUrl).pathname, ...args],
    { cwd, maxBuffer: 1 << 24 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as T;
}
