import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type DatasetSplit, loadDataset, subset } from '@fmnist/core/node';
import { type ModelMetadata, trainingRecord } from '@fmnist-examples/onnx-baseline/src/metadata.ts';
import type { DatasetId, JobSpec } from './plan.ts';
import {
  fromBrainProgress,
  fromOnnxProgress,
  fromTfjsProgress,
  type JobProgress,
} from './progress.ts';
import { type CompareRow, rowLabel } from './rows.ts';

/** Where a Node job reads data and writes models. */
export interface NodeJobContext {
  /** Folder for the trained tfjs models and their ONNX exports (`<dataset>/tfjs-<model>...`). */
  modelsDir: string;
  /** Folder with the four `.gz` files per dataset; default: core's lookup (env, cache, download). */
  dataDirs?: Partial<Record<DatasetId, string>>;
}

/** Callbacks of {@link runNodeJob}. */
export interface NodeJobHooks {
  onProgress?: (progress: JobProgress) => void;
  onLog?: (line: string) => void;
}

/** What one job produced: its row and the fingerprint of the data it used. */
export interface NodeJobOutcome {
  row: CompareRow;
  /** sha256 of the images and labels it trained on (null: it did not train) and tested on. */
  data: { train: string | null; test: string };
}

/** Peak resident memory of this process in MB (each job runs in its own process). */
export function peakRssMB(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

/** sha256 of a split's images and labels: equal fingerprints mean the same samples in the same order. */
export function splitFingerprint(split: DatasetSplit): string {
  return createHash('sha256').update(split.images).update(split.labels).digest('hex');
}

/** Files of the model a tfjs job trained, which the matching ONNX job evaluates. */
export function modelFiles(modelsDir: string, dataset: string, baseline: string) {
  const stem = path.join(modelsDir, dataset, baseline);
  return { tfjsDir: stem, onnx: `${stem}.onnx`, metadata: `${stem}.json` };
}

async function loadSplit(
  job: JobSpec,
  split: 'train' | 'test',
  context: NodeJobContext,
): Promise<DatasetSplit> {
  const dataDir = context.dataDirs?.[job.dataset];
  const full = await loadDataset({ dataset: job.dataset, split, ...(dataDir ? { dataDir } : {}) });
  const count = split === 'train' ? job.trainSamples : job.testSamples;
  // A prefix: every baseline sees the same images in the same order.
  return count !== null && count < full.count ? subset(full, { count }) : full;
}

/**
 * Runs one job of a comparison in this process: loads the data with `@fmnist/core/node`, calls
 * the baseline's own function (`runTfjsBaseline`, `runOnnxBaseline`, `runBrainBaseline`) and
 * returns its result JSON as a row. A tfjs job also saves its model and exports it to ONNX for
 * the ONNX job that follows. Baselines are imported lazily: a process loads only its framework.
 */
export async function runNodeJob(
  job: JobSpec,
  context: NodeJobContext,
  hooks: NodeJobHooks = {},
): Promise<NodeJobOutcome> {
  const progress = hooks.onProgress ?? (() => {});
  progress({ phase: 'load', fraction: 0, detail: `loading ${job.dataset}` });
  const test = await loadSplit(job, 'test', context);
  const train = job.baseline.startsWith('onnx')
    ? undefined
    : await loadSplit(job, 'train', context);
  const data = { train: train ? splitFingerprint(train) : null, test: splitFingerprint(test) };
  progress({
    phase: 'load',
    fraction: 0.01,
    detail: `${job.dataset}: ${train ? `${train.count} training and ` : ''}${test.count} test images`,
  });
  let row: CompareRow;
  switch (job.baseline) {
    case 'tfjs-mlp':
    case 'tfjs-cnn':
      row = await runTfjsJob(job, train!, test, context, hooks);
      break;
    case 'onnx-mlp':
    case 'onnx-cnn':
      row = await runOnnxJob(job, test, context, hooks);
      break;
    case 'brain-mlp':
      row = await runBrainJob(job, train!, test, hooks);
      break;
  }
  progress({ phase: 'done', fraction: 1, detail: `test accuracy ${row.testAccuracy.toFixed(4)}` });
  return { row, data };
}

async function runTfjsJob(
  job: JobSpec,
  train: DatasetSplit,
  test: DatasetSplit,
  context: NodeJobContext,
  hooks: NodeJobHooks,
): Promise<CompareRow> {
  const [{ selectNodeBackend }, { runTfjsBaseline }, { serializeModel, WEIGHTS_FILE }, onnx] =
    await Promise.all([
      import('@fmnist-examples/tfjs-baseline/src/nodeBackend.ts'),
      import('@fmnist-examples/tfjs-baseline/src/train.ts'),
      import('@fmnist-examples/tfjs-baseline/src/modelArtifacts.ts'),
      import('@fmnist/onnx'),
    ]);
  const backend = await selectNodeBackend();
  hooks.onLog?.(`tfjs backend: ${backend.backend} (${backend.device}, ${backend.backendPackage})`);
  const kind = job.baseline === 'tfjs-cnn' ? 'cnn' : 'mlp';
  const run = await runTfjsBaseline(
    {
      model: kind,
      train,
      test,
      runtime: 'node',
      backend: backend.backend,
      device: backend.device,
      epochs: job.epochs,
      seed: job.seed,
      normalize: 'scale',
      peakRssMB,
      extra: {
        backendPackage: backend.backendPackage,
        nodeVersion: process.version,
        quick: job.quick,
      },
    },
    { onProgress: (p) => hooks.onProgress?.(fromTfjsProgress(p)) },
  );
  try {
    const { result } = run;
    hooks.onProgress?.({
      phase: 'export',
      fraction: 0.97,
      detail: 'saving the model, exporting to ONNX',
    });
    const files = modelFiles(context.modelsDir, job.dataset, job.baseline);
    const saved = await serializeModel(run.model);
    await mkdir(files.tfjsDir, { recursive: true });
    await writeFile(path.join(files.tfjsDir, 'model.json'), saved.modelJson);
    await writeFile(path.join(files.tfjsDir, WEIGHTS_FILE), saved.weights);
    const bytes = await onnx.exportLayersModel(run.model, {
      inputLayout: 'nchw',
      docString: `${result.model} trained by tfjs in examples/compare`,
      metadata: { model: result.model, dataset: job.dataset, normalize: 'scale' },
    });
    const input = onnx.decodeOnnxModel(bytes).graph.inputs[0];
    const metadata: ModelMetadata = {
      model: result.model,
      dataset: job.dataset,
      classNames: [...test.classNames],
      normalize: 'scale',
      input: { name: input.name, dims: input.dims as (number | string)[], layout: 'nchw' },
      training: trainingRecord(result),
      parity: null,
      onnxSha256: createHash('sha256').update(bytes).digest('hex'),
      generatedBy: 'examples/compare/src/nodeJobs.ts',
    };
    await writeFile(files.onnx, bytes);
    await writeFile(files.metadata, `${JSON.stringify(metadata, null, 2)}\n`);
    hooks.onLog?.(`model: ${files.tfjsDir}/ and ${files.onnx}`);
    // Read last so that it covers saving and export too.
    result.peakRssMB = peakRssMB();
    return {
      ...result,
      modelFile: path.relative(context.modelsDir, files.onnx),
      baseline: job.baseline,
      label: rowLabel(result),
      role: 'trained',
    };
  } finally {
    run.model.dispose();
  }
}

async function runOnnxJob(
  job: JobSpec,
  test: DatasetSplit,
  context: NodeJobContext,
  hooks: NodeJobHooks,
): Promise<CompareRow> {
  const [{ loadNodeRuntime }, { runOnnxBaseline }] = await Promise.all([
    import('@fmnist-examples/onnx-baseline/src/nodeRuntime.ts'),
    import('@fmnist-examples/onnx-baseline/src/run.ts'),
  ]);
  const source = job.trainedBy!;
  const files = modelFiles(context.modelsDir, job.dataset, source);
  let model: Uint8Array;
  let metadata: ModelMetadata;
  try {
    model = new Uint8Array(await readFile(files.onnx));
    metadata = JSON.parse(await readFile(files.metadata, 'utf8')) as ModelMetadata;
  } catch (error) {
    throw new Error(
      `${job.id} needs the model ${source} exports, which is missing (${files.onnx})`,
      {
        cause: error,
      },
    );
  }
  const runtime = await loadNodeRuntime('auto', 1);
  hooks.onLog?.(
    `onnx runtime: ${runtime.framework}, trying ${runtime.executionProviders.join(', ')}`,
  );
  const result = await runOnnxBaseline(
    {
      ort: runtime.ort,
      framework: runtime.framework,
      runtime: 'node',
      executionProviders: runtime.executionProviders,
      model,
      metadata,
      test,
      quick: job.quick,
      peakRssMB,
      extra: {
        modelFile: path.relative(context.modelsDir, files.onnx),
        nodeVersion: process.version,
      },
    },
    { onProgress: (p) => hooks.onProgress?.(fromOnnxProgress(p)) },
  );
  return {
    ...result,
    seed: result.seed ?? job.seed,
    trainSamples: result.trainSamples ?? 0,
    epochs: result.epochs ?? 0,
    trainSeconds: result.trainSeconds ?? 0,
    trainSamplesPerSecond: result.trainSamplesPerSecond ?? 0,
    peakRssMB: peakRssMB(),
    baseline: job.baseline,
    label: rowLabel(result),
    role: 'inference',
    trainedBy: source,
  };
}

async function runBrainJob(
  job: JobSpec,
  train: DatasetSplit,
  test: DatasetSplit,
  hooks: NodeJobHooks,
): Promise<CompareRow> {
  const [{ loadBrain }, { runBrainBaseline }] = await Promise.all([
    import('@fmnist-examples/brain-baseline/src/loadBrain.ts'),
    import('@fmnist-examples/brain-baseline/src/train.ts'),
  ]);
  const loaded = await loadBrain();
  hooks.onLog?.(`brain.js ${loaded.version} from ${loaded.entry}`);
  const result = await runBrainBaseline(
    {
      brain: loaded.brain,
      frameworkVersion: loaded.version,
      runtime: 'node',
      train,
      test,
      // gpu.js in Node needs the native `gl` package built and a display; the CPU network is
      // what runs on an ordinary machine (the browser page runs the GPU one).
      device: 'cpu',
      epochs: job.epochs,
      seed: job.seed,
      extra: { brainEntry: loaded.entry, nodeVersion: process.version, quick: job.quick },
    },
    {
      onProgress: (p) => hooks.onProgress?.(fromBrainProgress(p)),
      peakRssMB,
    },
  );
  return { ...result, baseline: job.baseline, label: rowLabel(result), role: 'trained' };
}
