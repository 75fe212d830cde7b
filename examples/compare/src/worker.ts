// The worker process of one comparison job: forked by compare.ts, runs runJob, reports over IPC.
// Its own process, so that each baseline's peak memory is its own and no framework state leaks
// from one baseline into the next.

import { nodeEnvironment } from './nodeEnvironment.ts';
import { runJob } from './runJob.ts';
import { INTERRUPTED_EXIT_CODE, type RunMessage, type WorkerMessage } from './workerProtocol.ts';

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send)
      throw new Error('worker.ts must be started by compare.ts (with an IPC channel)');
    process.send(message, undefined, {}, () => resolve());
  });
}

// SIGINT (Ctrl-C reaches the whole process group; compare.ts forwards it too) and SIGTERM become
// the job's AbortSignal: the baseline stops at its next batch instead of the process dying
// half-way through writing a model.
const controller = new AbortController();
const interrupt = (signal: NodeJS.Signals) =>
  controller.abort(new Error(`interrupted (${signal})`));
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

process.once('message', async (message: RunMessage) => {
  let code = 0;
  try {
    const outcome = await runJob(message.job, nodeEnvironment(message.context, controller.signal), {
      onProgress: (progress) => void send({ type: 'progress', progress }),
      onLog: (line) => void send({ type: 'log', line }),
    });
    await send({ type: 'result', ...outcome });
  } catch (error) {
    if (controller.signal.aborted) {
      code = INTERRUPTED_EXIT_CODE;
      await send({ type: 'aborted' });
    } else {
      code = 1;
      const e = error instanceof Error ? error : new Error(String(error));
      const cause = e.cause instanceof Error ? ` (cause: ${e.cause.message})` : '';
      await send({ type: 'error', message: `${e.message}${cause}`, stack: e.stack });
    }
  }
  // Framework runtimes (wasm threads, native sessions) may keep the event loop alive.
  process.exit(code);
});
