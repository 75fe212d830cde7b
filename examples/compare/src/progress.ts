// Progress of one job and of a whole comparison: one 0..1 scale per job, overall share, ETAs.
import { type BaselineProgress, formatProgress } from '@fmnist-examples/baseline-kit';
import type { JobSpec } from './plan.ts';

/** Phases of one job, in the order they happen. */
export type JobPhase = 'start' | 'load' | 'train' | 'evaluate' | 'export' | 'throughput' | 'done';

/** Progress of one job, the same whatever framework runs it. */
export interface JobProgress {
  phase: JobPhase;
  /** How much of the job is done, 0 to 1. */
  fraction: number;
  /** One line for people, e.g. `epoch 1/2 batch 40/157 loss 0.61`. */
  detail: string;
}

// Share of a training job spent in training; the rest is evaluation and export.
const TRAIN_SHARE = 0.9;

/**
 * A baseline's progress report as a {@link JobProgress}: one 0..1 scale per job. A training job
 * (`trains`) spends {@link TRAIN_SHARE} of it training and the rest evaluating; an inference job
 * (ONNX) opens its session, evaluates, then times throughput. The detail is the kit's
 * `formatProgress` line.
 */
export function toJobProgress(p: BaselineProgress, trains: boolean): JobProgress {
  const detail = formatProgress(p);
  switch (p.phase) {
    case 'backend':
      return { phase: 'load', fraction: trains ? 0.01 : 0.05, detail };
    case 'train':
      return {
        phase: 'train',
        fraction: (TRAIN_SHARE * (p.epoch - 1 + p.done / p.total)) / p.epochs,
        detail,
      };
    case 'epoch':
      return { phase: 'train', fraction: (TRAIN_SHARE * p.epoch) / p.epochs, detail };
    case 'evaluate': {
      const done = p.total > 0 ? p.done / p.total : 1;
      const fraction = trains ? TRAIN_SHARE + (1 - TRAIN_SHARE) * done : 0.05 + 0.65 * done;
      return { phase: 'evaluate', fraction, detail };
    }
    case 'throughput':
      return { phase: 'throughput', fraction: 0.75, detail };
    case 'done':
      return { phase: 'evaluate', fraction: trains ? 0.96 : 0.95, detail };
  }
}

/** Where a comparison stands: the current job and estimates for it and for the whole run. */
export interface CompareProgress {
  /** 0-based index of the current job. */
  index: number;
  jobs: number;
  job: JobSpec;
  progress: JobProgress;
  /** Share of the whole comparison done, 0 to 1 (jobs weighed by their expected cost). */
  overall: number;
  /** Seconds left in this job, or `undefined` until there is enough to estimate from. */
  jobEtaSeconds: number | undefined;
  /** Seconds left in the whole comparison, or `undefined` until estimable. */
  etaSeconds: number | undefined;
  /** Seconds since the comparison started. */
  elapsedSeconds: number;
}

/**
 * Turns job progress into overall progress and ETAs. Each job's weight is its
 * `expectedSeconds`; the ETA is the running job's own estimate plus the later jobs' weights
 * scaled by how fast the machine has actually been so far, so a slow or busy machine gets an
 * honest estimate after the first job or so.
 */
export class ProgressTracker {
  private readonly total: number;
  private readonly before: number[];
  private readonly started: number;
  private jobStarted: number;
  private index = -1;

  /** `now` returns milliseconds (injectable for tests). */
  constructor(
    private readonly jobs: readonly JobSpec[],
    private readonly now: () => number = () => performance.now(),
  ) {
    this.before = [];
    let sum = 0;
    for (const job of jobs) {
      this.before.push(sum);
      sum += job.expectedSeconds;
    }
    this.total = sum;
    this.started = now();
    this.jobStarted = this.started;
  }

  /** Call when job `index` starts. */
  startJob(index: number): void {
    this.index = index;
    this.jobStarted = this.now();
  }

  /** The overall view of one job progress report. */
  update(progress: JobProgress): CompareProgress {
    const index = Math.max(0, this.index);
    const job = this.jobs[index];
    const now = this.now();
    const elapsed = (now - this.started) / 1000;
    const jobElapsed = (now - this.jobStarted) / 1000;
    const fraction = Math.min(1, Math.max(0, progress.fraction));
    const doneWeight = this.before[index] + fraction * job.expectedSeconds;
    const overall = this.total > 0 ? doneWeight / this.total : 1;
    // Too early to extrapolate: a few percent of work says little about the rest.
    const jobEtaSeconds =
      fraction >= 0.05 && jobElapsed > 1 ? (jobElapsed * (1 - fraction)) / fraction : undefined;
    // The running job's own estimate, plus the jobs after it at the pace seen so far (actual
    // seconds per expected second): a job slower than its weight says (brain.js's wide network)
    // must not leave the overall ETA below its own. Before the job can estimate, extrapolate.
    const later = this.total - this.before[index] - job.expectedSeconds;
    const pace = doneWeight > 0 ? elapsed / doneWeight : undefined;
    const etaSeconds =
      jobEtaSeconds !== undefined && pace !== undefined
        ? jobEtaSeconds + later * pace
        : overall >= 0.02 && elapsed > 2
          ? (elapsed * (1 - overall)) / overall
          : undefined;
    return {
      index,
      jobs: this.jobs.length,
      job,
      progress: { ...progress, fraction },
      overall,
      jobEtaSeconds,
      etaSeconds,
      elapsedSeconds: elapsed,
    };
  }
}

/** `75` -> `'1m15s'`, `8` -> `'8s'`, `undefined` -> `'?'`. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
