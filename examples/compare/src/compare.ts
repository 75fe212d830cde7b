// `pnpm start`'s engine in Node: each job in its own worker process, then the report and charts.
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeMachineFacts } from './machine.ts';
import { newRunId } from './merge.ts';
import type { NodeJobContext } from './nodeEnvironment.ts';
import {
  type CompareOptions,
  type DatasetId,
  type JobSpec,
  planJobs,
  resolveSettings,
} from './plan.ts';
import { type CompareProgress, ProgressTracker } from './progress.ts';
import { type CompareReport, referencesForDatasets } from './report.ts';
import { writeReport } from './reportFiles.ts';
import { type CompareRow, rowProblems } from './rows.ts';
import type { JobOutcome } from './runJob.ts';
import { recordJobData } from './sameData.ts';
import type { RunMessage, WorkerMessage } from './workerProtocol.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The example's folder (`examples/compare`). */
export const exampleDir = path.resolve(here, '..');

/** Options of {@link runComparison}: what to compare, and where things go. */
export interface NodeCompareOptions extends CompareOptions {
  /** Output folder. Default `results` in the current directory. */
  outDir?: string;
  /** Folder with the four `.gz` files per dataset; default: core's lookup (env, cache, download). */
  dataDirs?: Partial<Record<DatasetId, string>>;
  /**
   * Folder for the trained models and their ONNX exports. Default `<outDir>/models`; elsewhere
   * keeps a report folder meant for the repository (`docs/full`) free of model files.
   */
  modelsDir?: string;
  /**
   * tfjs jobs on wasm: its threaded SIMD build with this many threads (1 to 8); default the stock
   * single-threaded build. The rows record the count as `threads`. Only throughput changes: a
   * threaded run computes the same numbers.
   */
  wasmThreads?: number;
  /** Recorded in `compare.json` and `compare.md`. Default: this process's arguments. */
  command?: string;
  /** Write PNG copies of the charts (resvg). Default true. */
  png?: boolean;
  /**
   * Stops the comparison: the running job's process gets SIGINT, its baseline stops at the next
   * batch, and `runComparison` rejects with the signal's reason without writing a report.
   */
  signal?: AbortSignal;
}

/** Callbacks of {@link runComparison}. */
export interface CompareHooks {
  onProgress?: (progress: CompareProgress) => void;
  /** Status lines from the jobs (backend chosen, files written). */
  onLog?: (line: string, job: JobSpec) => void;
  /** A job finished with a row, or failed. */
  onJobEnd?: (job: JobSpec, outcome: { row: CompareRow } | { error: string }) => void;
}

/** A job that did not produce a row. */
export interface JobFailure {
  id: string;
  error: string;
}

/** What {@link runComparison} produced. */
export interface CompareRun {
  report: CompareReport;
  /** Absolute output folder. */
  outDir: string;
  /** Absolute paths of the files written (`compare.json`, `compare.md`, charts). */
  files: string[];
}

/**
 * Runs every baseline of the comparison, one after the other, each in its own Node process on the
 * same data prefix, seed and preprocessing, and writes `compare.json`, `compare.md` and the charts
 * (SVG and PNG) into `outDir`. A failing job is recorded (`failures`) and the rest still run,
 * except an ONNX job whose tfjs model is missing.
 */
export async function runComparison(
  options: NodeCompareOptions = {},
  hooks: CompareHooks = {},
): Promise<CompareRun> {
  const settings = resolveSettings(options);
  const jobs = planJobs(settings);
  const outDir = path.resolve(options.outDir ?? 'results');
  const context: NodeJobContext = {
    modelsDir: path.resolve(options.modelsDir ?? path.join(outDir, 'models')),
    ...(options.dataDirs ? { dataDirs: options.dataDirs } : {}),
    ...(options.wasmThreads !== undefined ? { wasmThreads: options.wasmThreads } : {}),
  };
  const machine = nodeMachineFacts();
  const started = performance.now();
  const tracker = new ProgressTracker(jobs);
  const rows: CompareRow[] = [];
  const failures: JobFailure[] = [];
  const data: CompareReport['data'] = {};

  for (const [index, job] of jobs.entries()) {
    options.signal?.throwIfAborted();
    tracker.startJob(index);
    hooks.onProgress?.(tracker.update({ phase: 'start', fraction: 0, detail: 'starting' }));
    if (
      job.trainedBy &&
      !rows.some((r) => r.dataset === job.dataset && r.baseline === job.trainedBy)
    ) {
      const error = `skipped: ${job.trainedBy} did not produce a model`;
      failures.push({ id: job.id, error });
      hooks.onJobEnd?.(job, { error });
      continue;
    }
    try {
      const outcome = await runWorker(job, context, options.signal, (message) => {
        if (message.type === 'progress') hooks.onProgress?.(tracker.update(message.progress));
        if (message.type === 'log') hooks.onLog?.(message.line, job);
      });
      const problems = rowProblems(outcome.row);
      if (problems.length > 0) throw new Error(`incomplete result: ${problems.join('; ')}`);
      if (outcome.data) recordJobData(data, job, outcome.data);
      rows.push(outcome.row);
      hooks.onJobEnd?.(job, { row: outcome.row });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      failures.push({ id: job.id, error: message });
      hooks.onJobEnd?.(job, { error: message });
    }
  }

  const report: CompareRun['report'] = {
    format: 1,
    runId: newRunId(),
    date: new Date().toISOString(),
    command: options.command ?? `pnpm start ${process.argv.slice(2).join(' ')}`.trim(),
    settings,
    machine,
    durationSeconds: Math.round((performance.now() - started) / 100) / 10,
    results: rows,
    references: referencesForDatasets(settings.datasets),
    data,
    failures,
  };
  const files = await writeReport(report, outDir, { png: options.png ?? true });
  return { report, outDir, files };
}

/** How long an interrupted worker may take to stop at its next batch before it is killed. */
const STOP_GRACE_MS = 10_000;

/**
 * V8's old-space limit for each job's process, in MB. Without it, tfjs's per-step garbage grew the
 * CNN job's V8 heap between major collections until the job peaked at 415-444 MB RSS (three runs,
 * 2026-12-02, after its steps got faster), over the 400 MB every job must stay under; with it a
 * 2-epoch CNN job peaked at 325 MB and trained no slower. Every job's live heap is far below it
 * (about 55 MB after a full collection in the CNN job; the data itself lives in ArrayBuffers,
 * outside the old space), so it bounds garbage, not data.
 */
const JOB_OLD_SPACE_MB = 192;

/**
 * Runs one job in a fresh Node process (src/worker.ts) and returns its outcome. When `signal`
 * fires, the worker gets SIGINT (its job's AbortSignal) and, should it not stop within
 * {@link STOP_GRACE_MS}, SIGKILL; the promise rejects with the signal's reason once it is gone.
 */
function runWorker(
  job: JobSpec,
  context: NodeJobContext,
  signal: AbortSignal | undefined,
  onMessage: (message: WorkerMessage) => void,
): Promise<JobOutcome> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(path.join(here, 'worker.ts'), [], {
      cwd: exampleDir,
      execArgv: [
        '--conditions=@fmnist/source',
        '--import',
        'tsx',
        `--max-old-space-size=${JOB_OLD_SPACE_MB}`,
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let outcome: JobOutcome | undefined;
    let failure: string | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const abort = () => {
      child.kill('SIGINT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    };
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'result') outcome = { row: message.row, data: message.data };
      else if (message.type === 'error') failure = message.message;
      else if (message.type !== 'aborted') onMessage(message);
    });
    child.on('error', (error) => {
      failure ??= error.message;
    });
    child.on('exit', (code, exitSignal) => {
      clearTimeout(killTimer);
      signal?.removeEventListener('abort', abort);
      if (signal?.aborted) reject(signal.reason);
      else if (outcome) resolve(outcome);
      else
        reject(
          new Error(
            failure ?? `the worker exited (${exitSignal ?? `code ${code}`}) without a result`,
          ),
        );
    });
    const message: RunMessage = { type: 'run', job, context };
    child.send(message);
  });
}
