// `run()`: the whole `fmnist` command line as a function, for the binary, programs and tests.
import { readFileSync } from 'node:fs';
import { listDatasets } from '@fmnist/core/node';
import { Command, CommanderError } from 'commander';
import { addCommand } from './command.ts';
import type { CommandContext, Output } from './context.ts';
import { downloadCommand } from './download.ts';
import {
  CliError,
  EXIT_CODES_HELP,
  ExitCode,
  exitCodeFor,
  formatError,
  interruptCode,
} from './errors.ts';
import { exportCommand } from './export.ts';
import { infoCommand } from './info.ts';
import { previewCommand } from './preview.ts';
import { showCommand } from './show.ts';
import { verifyCommand } from './verify.ts';

/** Where {@link run} writes and what it reads; each defaults to the current process's. */
export interface RunOptions {
  /** Results; default `process.stdout`. */
  stdout?: Output;
  /** Errors; default `process.stderr`. */
  stderr?: Output;
  /** Environment variables; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Aborting it stops the running command, which then returns 130, or 143 when the reason is a
   * `CliError` with `ExitCode.TERMINATED` (what the binary does on SIGTERM).
   */
  signal?: AbortSignal;
}

function packageVersion(): string {
  try {
    // src/ and dist/ are both one level below the package root.
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    return String(pkg.version);
  } catch {
    return '0.0.0';
  }
}

const ENVIRONMENT_HELP = `Environment:
  FMNIST_DATA_DIR   folder with the Fashion-MNIST files (like --data-dir)
  FMNIST_MNIST_DIR  folder with the MNIST files
  FMNIST_CACHE_DIR  download cache (like --cache-dir)
  NO_COLOR          no colours in \`fmnist show\``;

/** The `fmnist` program with all subcommands; `setCode` receives each command's exit code. */
export function createProgram(ctx: CommandContext, setCode: (code: number) => void): Command {
  const program = new Command('fmnist')
    .description(
      `Get, check and look at Fashion-MNIST and MNIST (datasets: ${listDatasets().join(', ')}).`,
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
    })
    .showSuggestionAfterError(true)
    .addHelpText('after', `\n${EXIT_CODES_HELP}\n\n${ENVIRONMENT_HELP}\n`);
  addCommand(program, downloadCommand, ctx, setCode);
  addCommand(program, verifyCommand, ctx, setCode);
  addCommand(program, infoCommand, ctx, setCode);
  addCommand(program, previewCommand, ctx, setCode);
  addCommand(program, showCommand, ctx, setCode);
  addCommand(program, exportCommand, ctx, setCode);
  for (const command of program.commands) {
    command.addHelpText('after', `\n${EXIT_CODES_HELP}\n`);
  }
  return program;
}

/**
 * Runs the `fmnist` command line in this process and resolves with its exit code (see
 * {@link ExitCode}); it never calls `process.exit`. Errors are written to `stderr` as one
 * sentence (with stack and causes when `--verbose` is among the arguments).
 *
 * @param argv The arguments after the program name, e.g. `['info', '--json']`.
 */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const ctx: CommandContext = {
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    env: options.env ?? process.env,
    signal: options.signal ?? new AbortController().signal,
  };
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  let code: number = ExitCode.OK;
  const program = createProgram(ctx, (c) => {
    code = c;
  });
  // `fmnist help nosuch`: Commander would print the whole help to stderr; the unknown name gets the
  // same one-line error (with its "Did you mean" suggestion) as `fmnist nosuch`.
  const known = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  const asked = argv[0] === 'help' && argv[1] !== undefined && !argv[1].startsWith('-');
  const args = asked && !known.includes(argv[1]) ? argv.slice(1, 2) : [...argv];
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (or the help/version text); `fmnist help`,
      // `fmnist help <cmd>`, `--help` and `--version` end with its exit code 0.
      return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    // A command stopped by the signal ends with 130 (143 for SIGTERM), whatever it threw.
    const stopped =
      ctx.signal.aborted &&
      (!(error instanceof CliError) || error.exitCode === ExitCode.INTERRUPTED);
    const exit = stopped ? interruptCode(ctx.signal) : exitCodeFor(error);
    const message =
      stopped && !verbose && !(error instanceof CliError)
        ? interruptedMessage(exit)
        : formatError(error, verbose);
    ctx.stderr.write(`fmnist: ${message}\n`);
    return exit;
  }
  if (ctx.signal.aborted) {
    const exit = interruptCode(ctx.signal);
    ctx.stderr.write(`fmnist: ${interruptedMessage(exit)}\n`);
    return exit;
  }
  return code;
}

function interruptedMessage(code: number): string {
  return code === ExitCode.TERMINATED ? 'Terminated.' : 'Interrupted.';
}
