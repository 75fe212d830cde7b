// The shape of one `fmnist` subcommand, and the one place that adds such a command to the program.
import type { Command } from 'commander';
import type { CommandContext } from './context.ts';
import type { ExitCodeValue } from './errors.ts';
import { addCommonOptions, type CommonOptions } from './options.ts';

/**
 * One subcommand: its name, help text, own arguments and options, and what it does. The common
 * options (`--dataset`, `--data-dir`, `--cache-dir`, `--verbose`) are added by
 * {@link addCommand}, after the command's own, so every command lists them last in its help.
 */
export interface CliCommand<
  O extends CommonOptions = CommonOptions,
  A extends readonly unknown[] = readonly unknown[],
> {
  /** The word after `fmnist`, e.g. `info`. */
  name: string;
  /** One line for `fmnist --help` and the command's own help. */
  description: string;
  /** Adds the command's own arguments and options; omitted when it has none. */
  configure?: (command: Command) => Command;
  /**
   * Does the work and resolves with the exit code; a thrown error becomes one sentence on
   * stderr and its exit code (see `run`). `args` are the positional arguments, in order, as
   * the parsers given in `configure` returned them.
   */
  run: (options: O, ctx: CommandContext, args: A) => Promise<ExitCodeValue>;
}

/** Declares a subcommand; an identity function that lets TypeScript infer its option type. */
export function defineCommand<O extends CommonOptions, A extends readonly unknown[]>(
  command: CliCommand<O, A>,
): CliCommand<O, A> {
  return command;
}

/** Adds `command` to `program`; `setCode` receives its exit code once it has run. */
export function addCommand<O extends CommonOptions, A extends readonly unknown[]>(
  program: Command,
  command: CliCommand<O, A>,
  ctx: CommandContext,
  setCode: (code: ExitCodeValue) => void,
): Command {
  const sub = program.command(command.name).description(command.description);
  return addCommonOptions(command.configure ? command.configure(sub) : sub).action(
    async (...params: unknown[]) => {
      // Commander passes the positional arguments, then the options, then the Command itself.
      const options = params[params.length - 2] as O;
      setCode(await command.run(options, ctx, params.slice(0, -2) as unknown as A));
    },
  );
}
