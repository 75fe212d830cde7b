// The process entry of the `fmnist` binary (bin/fmnist.js imports the built copy): signals,
// stdout failures and the exit code. Everything else lives in run.ts so that programs can call
// `run()` without side effects on import.
import { CliError, ExitCode, type ExitCodeValue } from './errors.ts';
import { removePendingOutputsSync } from './outputFiles.ts';
import { run } from './run.ts';

const controller = new AbortController();
let stops = 0;

/**
 * The first SIGINT or SIGTERM lets the command stop cleanly (downloads are cancelled, outputs
 * being written are removed, the exit code is 130 or 143); a second one exits at once, after
 * removing the temporary outputs synchronously.
 */
function stop(code: ExitCodeValue, message: string): void {
  stops++;
  if (stops > 1) exitNow(code);
  controller.abort(new CliError(code, message));
}

/** Exits without waiting for the command, leaving no temporary output behind. */
function exitNow(code: number, line?: string): never {
  removePendingOutputsSync();
  if (line !== undefined) process.stderr.write(line);
  process.exit(code);
}

process.on('SIGINT', () => stop(ExitCode.INTERRUPTED, 'Interrupted by SIGINT.'));
process.on('SIGTERM', () => stop(ExitCode.TERMINATED, 'Terminated by SIGTERM.'));
// Whatever ends the process (an uncaught error included), no temporary output stays.
process.on('exit', removePendingOutputsSync);

// stdout's reader went away (`fmnist info | head -1`): stop quietly with 141, the code a shell
// reports for a writer killed by SIGPIPE, so a pipeline with `pipefail` still sees that the
// output was cut. Any other failure to write stdout (`> /dev/full`: ENOSPC, EIO) is one line on
// stderr and exit 1, never a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') exitNow(ExitCode.BROKEN_PIPE);
  exitNow(
    ExitCode.FAILURE,
    `fmnist: Could not write to standard output: ${error.message.split('\n')[0]}.\n`,
  );
});
// stderr failing too leaves nothing to report on; the exit code still says it failed.
process.stderr.on('error', () => exitNow(ExitCode.FAILURE));

process.exitCode = await run(process.argv.slice(2), { signal: controller.signal });
