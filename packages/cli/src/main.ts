// The process entry of the `fmnist` binary (bin/fmnist.js imports the built copy). Everything
// else lives in run.ts so that programs can call `run()` without side effects on import.
import { ExitCode } from './errors.ts';
import { run } from './run.ts';

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts++;
  // The first Ctrl-C lets the command stop cleanly (downloads are cancelled, the cache keeps no
  // partial file); a second one exits at once.
  if (interrupts > 1) process.exit(ExitCode.INTERRUPTED);
  controller.abort(new Error('Interrupted by SIGINT.'));
});
// `fmnist info | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(ExitCode.OK);
  throw error;
});

process.exitCode = await run(process.argv.slice(2), { signal: controller.signal });
