// The messages between compare.ts and a job's worker process, and how a worker exits.
import type { NodeJobContext } from './nodeEnvironment.ts';
import type { JobSpec } from './plan.ts';
import type { JobProgress } from './progress.ts';
import type { JobOutcome } from './runJob.ts';

/** Parent -> worker: the one job to run. */
export interface RunMessage {
  type: 'run';
  job: JobSpec;
  context: NodeJobContext;
}

/** Worker -> parent. */
export type WorkerMessage =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'log'; line: string }
  | ({ type: 'result' } & JobOutcome)
  | { type: 'error'; message: string; stack?: string }
  | { type: 'aborted' };

/**
 * Exit code of an interrupted worker, and of `pnpm start` after Ctrl-C: 128 + SIGINT, as a shell
 * reports a process that SIGINT ended.
 */
export const INTERRUPTED_EXIT_CODE = 130;
