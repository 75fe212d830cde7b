// One comparison job in its own process (forked by compare.ts), so that each baseline's peak
// memory is its own and no framework state leaks from one baseline into the next.

import { type NodeJobContext, type NodeJobOutcome, runNodeJob } from './nodeJobs.ts';
import type { JobSpec } from './plan.ts';
import type { JobProgress } from './progress.ts';

/** Parent -> worker. */
export interface RunMessage {
  type: 'run';
  job: JobSpec;
  context: NodeJobContext;
}

/** Worker -> parent. */
export type WorkerMessage =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'log'; line: string }
  | ({ type: 'result' } & NodeJobOutcome)
  | { type: 'error'; message: string; stack?: string };

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send)
      throw new Error('worker.ts must be started by compare.ts (with an IPC channel)');
    process.send(message, undefined, {}, () => resolve());
  });
}

process.once('message', async (message: RunMessage) => {
  let code = 0;
  try {
    const outcome = await runNodeJob(message.job, message.context, {
      onProgress: (progress) => void send({ type: 'progress', progress }),
      onLog: (line) => void send({ type: 'log', line }),
    });
    await send({ type: 'result', ...outcome });
  } catch (error) {
    code = 1;
    const e = error instanceof Error ? error : new Error(String(error));
    const cause = e.cause instanceof Error ? ` (cause: ${e.cause.message})` : '';
    await send({ type: 'error', message: `${e.message}${cause}`, stack: e.stack });
  }
  // Framework runtimes (wasm threads, native sessions) may keep the event loop alive.
  process.exit(code);
});
