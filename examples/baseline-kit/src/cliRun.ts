// Running a baseline's command line in a test: `pnpm start` as a child process on the TS sources.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** Options of {@link runBaselineCli}. */
export interface BaselineCliOptions {
  /** Environment of the child; default this process's. */
  env?: NodeJS.ProcessEnv;
  /** Milliseconds before the child is killed. Default none. */
  timeout?: number;
}

/**
 * Runs `src/main.ts` of the example in `exampleDir` as `pnpm start` does (Node with the
 * `@fmnist/source` condition and tsx), with `args`. Resolves with its output; rejects like
 * `execFile` (the error carries `code`, `stdout` and `stderr`) when it exits non-zero.
 */
export async function runBaselineCli(
  exampleDir: string,
  args: readonly string[],
  options: BaselineCliOptions = {},
): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(
    process.execPath,
    ['--conditions=@fmnist/source', '--import', 'tsx', 'src/main.ts', ...args],
    { cwd: exampleDir, env: options.env ?? process.env, timeout: options.timeout },
  );
}
