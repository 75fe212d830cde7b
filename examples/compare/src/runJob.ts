// The comparison's one job runner: a JobSpec through its baseline on a JobEnvironment, to a row.
import type { DatasetSplit } from '@fmnist/core';
import {
  type BaselineOptions,
  type BaselineProgress,
  type InferenceBaselineOptions,
  prefixOf,
  throwIfAborted,
} from '@fmnist-examples/baseline-kit';
import type { JobEnvironment } from './jobEnvironment.ts';
import type { JobSpec } from './plan.ts';
import { type JobProgress, toJobProgress } from './progress.ts';
import { type CompareRow, rowLabel } from './rows.ts';

/** Callbacks of {@link runJob}. */
export interface JobHooks {
  onProgress?: (progress: JobProgress) => void;
  /** Status lines: backend chosen or skipped, files written. */
  onLog?: (line: string) => void;
}

/** What one job produced: its row and, where the environment fingerprints data, what it used. */
export interface JobOutcome {
  row: CompareRow;
  /** Fingerprints of the images and labels it trained on (null: it did not train) and tested on. */
  data?: { train: string | null; test: string };
}

/** What every job kind below is given. */
interface JobContext {
  job: JobSpec;
  env: JobEnvironment;
  test: DatasetSplit;
  log: (line: string) => void;
  progress: (progress: JobProgress) => void;
  /** The baselines' progress, as job progress (and backend reports as log lines). */
  onProgress: (progress: BaselineProgress) => void;
}

/**
 * Runs one job of a comparison: loads its prefix of the data through `env`, calls the baseline's
 * own function (`runTfjsBaseline`, `runOnnxBaseline`, `runBrainBaseline`) and returns its result
 * as a row. A tfjs job also exports its model to ONNX (the kit's `exportForOnnx`) and hands it to
 * `env.saveModel` for the ONNX job that follows. Baselines are imported when their job runs, so a
 * Node worker process loads only its own framework. `env.signal` aborts it (rejects `ABORTED`).
 */
export async function runJob(
  job: JobSpec,
  env: JobEnvironment,
  hooks: JobHooks = {},
): Promise<JobOutcome> {
  // Never backwards within a job: evaluation may report 100% before the export that follows it.
  let reached = 0;
  const progress = (p: JobProgress) => {
    reached = Math.max(reached, p.fraction);
    hooks.onProgress?.({ ...p, fraction: reached });
  };
  const log = hooks.onLog ?? (() => {});
  const trains = job.trainedBy === undefined;
  progress({ phase: 'load', fraction: 0, detail: `loading ${job.dataset}` });
  // Prefixes: every baseline sees the same images in the same order.
  const test = prefixOf(await env.loadSplit(job.dataset, 'test'), job.testSamples);
  const train = trains
    ? prefixOf(await env.loadSplit(job.dataset, 'train'), job.trainSamples)
    : undefined;
  throwIfAborted(env.signal, job.id);
  const data = env.fingerprint
    ? { train: train ? await env.fingerprint(train) : null, test: await env.fingerprint(test) }
    : undefined;
  progress({
    phase: 'load',
    fraction: 0.01,
    detail: `${job.dataset}: ${train ? `${train.count} training and ` : ''}${test.count} test images`,
  });
  const context: JobContext = {
    job,
    env,
    test,
    log,
    progress,
    onProgress: (p) => {
      const jobProgress = toJobProgress(p, trains);
      if (p.phase === 'backend' && p.status !== 'trying') log(jobProgress.detail);
      progress(jobProgress);
    },
  };
  let row: CompareRow;
  switch (job.baseline) {
    case 'tfjs-mlp':
    case 'tfjs-cnn':
      row = await tfjsJob(context, train!);
      break;
    case 'onnx-mlp':
    case 'onnx-cnn':
      row = await onnxJob(context);
      break;
    case 'brain-mlp':
      row = await brainJob(context, train!);
      break;
  }
  // Read last, so that it covers saving and export too.
  row.peakRssMB = env.peakMemoryMB();
  progress({ phase: 'done', fraction: 1, detail: `test accuracy ${row.testAccuracy.toFixed(4)}` });
  return data ? { row, data } : { row };
}

/** The options every baseline gets from its job: test split, runtime, abort, progress, memory. */
function sharedOptions(context: JobContext): InferenceBaselineOptions {
  const { env } = context;
  return {
    test: context.test,
    runtime: env.runtime,
    normalize: 'scale',
    signal: env.signal,
    onProgress: context.onProgress,
    peakRssMB: () => env.peakMemoryMB(),
  };
}

/**
 * {@link sharedOptions} plus what a training baseline gets: its prefix, epochs and seed, and the
 * job's mode, so that the baseline's other settings (schedules, brain.js's width) come from the
 * same `PLAN` row as its epochs; the prefix's size is passed too, or the quick row would cut it.
 */
function trainingOptions(context: JobContext, train: DatasetSplit): BaselineOptions {
  const { job } = context;
  return {
    ...sharedOptions(context),
    train,
    trainSamples: train.count,
    epochs: job.epochs,
    seed: job.seed,
    quick: job.quick,
  };
}

async function tfjsJob(context: JobContext, train: DatasetSplit): Promise<CompareRow> {
  const { job, env, test, log } = context;
  const [{ runTfjsBaseline }, { exportForOnnx }] = await Promise.all([
    import('@fmnist-examples/tfjs-baseline'),
    import('@fmnist-examples/baseline-kit/tfjs'),
  ]);
  const backend = await env.tfjsBackend();
  for (const s of backend.skipped) log(`tfjs backend ${s.backend} skipped: ${s.reason}`);
  const renderer = backend.renderer ? `, ${backend.renderer}` : '';
  log(`tfjs backend: ${backend.backend} (${backend.device}, ${backend.backendPackage}${renderer})`);
  const run = await runTfjsBaseline({
    ...trainingOptions(context, train),
    model: job.baseline === 'tfjs-cnn' ? 'cnn' : 'mlp',
    backend: backend.backend,
    device: backend.device,
    extra: {
      backendPackage: backend.backendPackage,
      ...(backend.renderer ? { gpuRenderer: backend.renderer } : {}),
      ...(backend.threads !== undefined ? { threads: backend.threads } : {}),
      ...env.resultExtra,
      quick: job.quick,
    },
  });
  try {
    const { result } = run;
    context.progress({ phase: 'export', fraction: 0.97, detail: 'exporting the model to ONNX' });
    const exported = await exportForOnnx(run.model, result, {
      generatedBy: 'examples/compare',
      docString: `${result.model} trained by tfjs in examples/compare`,
      classNames: test.classNames,
      dataset: job.dataset,
      normalize: 'scale',
    });
    const saved = await env.saveModel(
      { dataset: job.dataset, baseline: job.baseline },
      { model: run.model, ...exported },
    );
    if (saved.file) log(`model: ${saved.file}`);
    return {
      ...result,
      ...(saved.file ? { modelFile: saved.file } : {}),
      baseline: job.baseline,
      label: rowLabel(result),
      role: 'trained',
    };
  } finally {
    run.model.dispose();
  }
}

async function onnxJob(context: JobContext): Promise<CompareRow> {
  const { job, env, log } = context;
  const { runOnnxBaseline } = await import('@fmnist-examples/onnx-baseline');
  const source = job.trainedBy!;
  const saved = await env.loadModel({ dataset: job.dataset, baseline: source });
  if (!saved) throw new Error(`${job.id} needs the model ${source} trains, which is missing`);
  const runtime = await env.onnxRuntime();
  log(`onnx runtime: ${runtime.framework}, trying ${runtime.executionProviders.join(', ')}`);
  const result = await runOnnxBaseline({
    ...sharedOptions(context),
    ort: runtime.ort,
    framework: runtime.framework,
    executionProviders: runtime.executionProviders,
    model: saved.bytes,
    metadata: saved.metadata,
    quick: job.quick,
    extra: { ...(saved.file ? { modelFile: saved.file } : {}), ...env.resultExtra },
  });
  return {
    ...result,
    seed: result.seed ?? job.seed,
    trainSamples: result.trainSamples ?? 0,
    epochs: result.epochs ?? 0,
    trainSeconds: result.trainSeconds ?? 0,
    trainSamplesPerSecond: result.trainSamplesPerSecond ?? 0,
    baseline: job.baseline,
    label: rowLabel(result),
    role: 'inference',
    trainedBy: source,
  };
}

async function brainJob(context: JobContext, train: DatasetSplit): Promise<CompareRow> {
  const { job, env, log } = context;
  const { runBrainBaseline } = await import('@fmnist-examples/brain-baseline');
  const runtime = await env.brainRuntime();
  if (runtime.note) log(runtime.note);
  const run = (device: 'gpu' | 'cpu') =>
    runBrainBaseline({
      ...trainingOptions(context, train),
      brain: runtime.brain,
      frameworkVersion: runtime.version,
      device,
      extra: { ...runtime.extra, ...env.resultExtra, quick: job.quick },
    });
  const { devices } = runtime;
  for (let i = 0; ; i++) {
    try {
      const result = await run(devices[i]);
      return { ...result, baseline: job.baseline, label: rowLabel(result), role: 'trained' };
    } catch (error) {
      // runBrainBaseline refuses NeuralNetworkGPU without a GPU before training starts.
      if (i + 1 >= devices.length || !/found no GPU/.test(String(error))) throw error;
      log(`brain.js: gpu.js found no GPU here, using the ${devices[i + 1]} network`);
    }
  }
}
