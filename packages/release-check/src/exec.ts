// Running a command as a child process and collecting what it left behind.
import { spawn } from 'node:child_process';

/** What a finished command left behind. */
export interface CommandResult {
  /** The command line, for messages. */
  command: string;
  /** Exit code; `null` when it was killed by a signal (e.g. on timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when it ran past `timeoutMs` and was killed. */
  timedOut: boolean;
  /** Wall-clock milliseconds. */
  ms: number;
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  cwd: string;
  /** Extra environment variables, merged over `process.env` (for this child only); `undefined` removes one. */
  env?: Record<string, string | undefined>;
  /** Kill the command after this long; default 10 minutes. */
  timeoutMs?: number;
  /** Written to the command's stdin, then stdin is closed. */
  input?: string;
  /**
   * Drop the `npm_*` variables this process inherited (pnpm sets `npm_config_*` for scripts,
   * which would otherwise steer a child npm to other registries, caches or settings).
   */
  dropNpmEnv?: boolean;
}

/** The environment for a child: ours, minus inherited `npm_*` when asked, plus `extra`. */
export function childEnv(
  extra: Record<string, string | undefined> = {},
  dropNpmEnv = false,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (dropNpmEnv && /^npm_/i.test(key)) continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/**
 * Runs a command without a shell (arguments are passed as they are) and collects its output.
 * Never throws for a non-zero exit: callers decide, and {@link formatFailure} makes the message.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<CommandResult> {
  const started = Date.now();
  const line = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: childEnv(options.env, options.dropNpmEnv),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 600_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Could not start ${line} in ${options.cwd}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ command: line, code, stdout, stderr, timedOut, ms: Date.now() - started });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A readable report of a failed command: the command, how it ended, and its output. */
export function formatFailure(result: CommandResult, cwd?: string): string {
  const how = result.timedOut ? 'timed out' : `exited with ${result.code}`;
  const output = [result.stdout.trim(), result.stderr.trim()].filter(Boolean).join('\n');
  return `\`${result.command}\`${cwd ? ` (in ${cwd})` : ''} ${how}:\n${output || '(no output)'}`;
}

/** Runs a command and throws {@link formatFailure}'s message unless it exits with 0. */
export async function runChecked(
  command: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<CommandResult> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) throw new Error(formatFailure(result, options.cwd));
  return result;
}
