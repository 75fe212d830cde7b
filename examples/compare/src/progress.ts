import type { BrainBaselineProgress } from '@fmnist-examples/brain-baseline/src/train.ts';
import type { OnnxBaselineProgress } from '@fmnist-examples/onnx-baseline/src/run.ts';
import type { BaselineProgress } from '@fmnist-examples/tfjs-baseline/src/train.ts';
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

/** A tfjs baseline progress report as a {@link JobProgress}. */
export function fromTfjsProgress(p: BaselineProgress): JobProgress {
  if (p.phase === 'train') {
    const done = (p.epoch - 1 + p.batch / p.batches) / p.epochs;
    return {
      phase: 'train',
      fraction: TRAIN_SHARE * done,
      detail: `epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(3)} acc ${p.accuracy.toFixed(3)} ${Math.round(p.samplesPerSecond)} samples/s`,
    };
  }
  if (p.phase === 'epoch') {
    return {
      phase: 'train',
      fraction: (TRAIN_SHARE * p.epoch) / p.epochs,
      detail: `epoch ${p.epoch}/${p.epochs} done: loss ${p.loss.toFixed(3)} acc ${p.accuracy.toFixed(3)}`,
    };
  }
  return {
    phase: 'evaluate',
    fraction: TRAIN_SHARE,
    detail: `evaluating ${p.testSamples} test images`,
  };
}

/** An ONNX baseline progress report as a {@link JobProgress}. */
export function fromOnnxProgress(p: OnnxBaselineProgress): JobProgress {
  if (p.phase === 'session') {
    return {
      phase: 'load',
      fraction: 0.05,
      detail: `execution provider ${p.executionProvider}: ${p.status}${p.error ? ` (${p.error.split('\n')[0].slice(0, 80)})` : ''}`,
    };
  }
  if (p.phase === 'evaluate') {
    return {
      phase: 'evaluate',
      fraction: 0.05 + 0.65 * (p.done / p.total),
      detail: `evaluated ${p.done}/${p.total} test images`,
    };
  }
  return {
    phase: 'throughput',
    fraction: 0.75,
    detail: `batch ${p.batchSize}: ${Math.round(p.imagesPerSecond)} images/s`,
  };
}

/** A brain.js baseline progress report as a {@link JobProgress}. */
export function fromBrainProgress(p: BrainBaselineProgress): JobProgress {
  if (p.phase === 'train') {
    const done = (p.epoch - 1 + p.done / p.total) / p.epochs;
    const error = p.error === undefined ? '' : ` error ${p.error.toFixed(4)}`;
    return {
      phase: 'train',
      fraction: TRAIN_SHARE * done,
      detail: `epoch ${p.epoch}/${p.epochs} ${p.done}/${p.total} samples${error}`,
    };
  }
  return {
    phase: 'evaluate',
    fraction: TRAIN_SHARE + (1 - TRAIN_SHARE) * (p.done / p.total),
    detail: `evaluated ${p.done}/${p.total} test images`,
  };
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
 * `expectedSeconds`; the ETA scales what is left by how fast the machine has actually been so
 * far, so a slow or busy machine gets an honest estimate after the first job or so.
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
    const etaSeconds =
      overall >= 0.02 && elapsed > 2 ? (elapsed * (1 - overall)) / overall : undefined;
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
