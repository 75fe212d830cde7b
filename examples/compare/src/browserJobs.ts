// The comparison's jobs inside a browser page: the same baseline functions as in Node, on the
// browser's GPU paths (tfjs WebGPU/WebGL, onnxruntime-web WebGPU/wasm, brain.js gpu.js WebGL).

import { type DatasetSplit, subset } from '@fmnist/core';
import { decodeOnnxModel, exportLayersModel } from '@fmnist/onnx';
import type { BrainModule } from '@fmnist-examples/brain-baseline/src/train.ts';
import { runBrainBaseline } from '@fmnist-examples/brain-baseline/src/train.ts';
import { type ModelMetadata, trainingRecord } from '@fmnist-examples/onnx-baseline/src/metadata.ts';
import { runOnnxBaseline } from '@fmnist-examples/onnx-baseline/src/run.ts';
import { selectBrowserBackend } from '@fmnist-examples/tfjs-baseline/src/browserBackend.ts';
import { runTfjsBaseline } from '@fmnist-examples/tfjs-baseline/src/train.ts';
import * as brainNamespace from 'brain.js';
import brainPackage from 'brain.js/package.json' with { type: 'json' };
import * as ort from 'onnxruntime-web';
import type { JobSpec } from './plan.ts';
import {
  fromBrainProgress,
  fromOnnxProgress,
  fromTfjsProgress,
  type JobProgress,
} from './progress.ts';
import { type CompareRow, rowLabel } from './rows.ts';

/** Choices of the page, and what jobs hand on to later jobs. */
export interface BrowserJobContext {
  /** Loads (and caches) a whole split. */
  load: (dataset: string, split: 'train' | 'test') => Promise<DatasetSplit>;
  /** tfjs backend to force (`webgpu`, `webgl`, `wasm`, `cpu`); default: the best available. */
  tfjsBackend?: string;
  /** onnxruntime-web execution providers to try in order. */
  onnxProviders: string[];
  /** brain.js: `auto` tries `NeuralNetworkGPU` (WebGL) and falls back to the CPU network. */
  brainDevice: 'auto' | 'gpu' | 'cpu';
  /** ONNX exports of the tfjs models trained so far, by `<dataset>/<baseline>`. */
  models: Map<string, { bytes: Uint8Array; metadata: ModelMetadata }>;
}

/** Callbacks of {@link runBrowserJob}. */
export interface BrowserJobHooks {
  onProgress?: (progress: JobProgress) => void;
  onLog?: (line: string) => void;
}

const brain = ((brainNamespace as unknown as { default?: BrainModule }).default ??
  brainNamespace) as BrainModule;

async function prefix(
  context: BrowserJobContext,
  job: JobSpec,
  split: 'train' | 'test',
): Promise<DatasetSplit> {
  const full = await context.load(job.dataset, split);
  const count = split === 'train' ? job.trainSamples : job.testSamples;
  return count !== null && count < full.count ? subset(full, { count }) : full;
}

/** Runs one job of a comparison in this page and returns its row. */
export async function runBrowserJob(
  job: JobSpec,
  context: BrowserJobContext,
  hooks: BrowserJobHooks = {},
): Promise<CompareRow> {
  hooks.onProgress?.({ phase: 'load', fraction: 0, detail: `loading ${job.dataset}` });
  const test = await prefix(context, job, 'test');
  let row: CompareRow;
  if (job.baseline === 'tfjs-mlp' || job.baseline === 'tfjs-cnn') {
    row = await tfjsJob(job, await prefix(context, job, 'train'), test, context, hooks);
  } else if (job.baseline === 'onnx-mlp' || job.baseline === 'onnx-cnn') {
    row = await onnxJob(job, test, context, hooks);
  } else {
    row = await brainJob(job, await prefix(context, job, 'train'), test, context, hooks);
  }
  // A page cannot see its process's memory: 0 means "not measured" in the table.
  if (!Number.isFinite(row.peakRssMB)) row.peakRssMB = 0;
  hooks.onProgress?.({
    phase: 'done',
    fraction: 1,
    detail: `test accuracy ${row.testAccuracy.toFixed(4)}`,
  });
  return row;
}

async function tfjsJob(
  job: JobSpec,
  train: DatasetSplit,
  test: DatasetSplit,
  context: BrowserJobContext,
  hooks: BrowserJobHooks,
): Promise<CompareRow> {
  const backend = await selectBrowserBackend(context.tfjsBackend);
  for (const s of backend.skipped) hooks.onLog?.(`tfjs backend ${s.backend} skipped: ${s.reason}`);
  hooks.onLog?.(
    `tfjs backend: ${backend.backend}${backend.renderer ? ` (${backend.renderer})` : ''}`,
  );
  const { result, model } = await runTfjsBaseline(
    {
      model: job.baseline === 'tfjs-cnn' ? 'cnn' : 'mlp',
      train,
      test,
      runtime: 'browser',
      backend: backend.backend,
      device: backend.device,
      epochs: job.epochs,
      seed: job.seed,
      normalize: 'scale',
      extra: {
        backendPackage: backend.backendPackage,
        ...(backend.renderer ? { gpuRenderer: backend.renderer } : {}),
        quick: job.quick,
      },
    },
    { onProgress: (p) => hooks.onProgress?.(fromTfjsProgress(p)) },
  );
  try {
    hooks.onProgress?.({ phase: 'export', fraction: 0.97, detail: 'exporting the model to ONNX' });
    const bytes = await exportLayersModel(model, {
      inputLayout: 'nchw',
      metadata: { model: result.model, dataset: job.dataset, normalize: 'scale' },
    });
    const input = decodeOnnxModel(bytes).graph.inputs[0];
    context.models.set(job.id, {
      bytes,
      metadata: {
        model: result.model,
        dataset: job.dataset,
        normalize: 'scale',
        input: { name: input.name, dims: input.dims as (number | string)[], layout: 'nchw' },
        training: trainingRecord(result),
        parity: null,
        generatedBy: 'examples/compare/src/browserJobs.ts',
      },
    });
  } finally {
    model.dispose();
  }
  return { ...result, baseline: job.baseline, label: rowLabel(result), role: 'trained' };
}

async function onnxJob(
  job: JobSpec,
  test: DatasetSplit,
  context: BrowserJobContext,
  hooks: BrowserJobHooks,
): Promise<CompareRow> {
  const source = job.trainedBy!;
  const exported = context.models.get(`${job.dataset}/${source}`);
  if (!exported) throw new Error(`${job.id} needs the model ${source} trains, which is missing`);
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  const result = await runOnnxBaseline(
    {
      ort,
      framework: 'onnxruntime-web',
      runtime: 'browser',
      executionProviders: context.onnxProviders,
      // onnxruntime-web may transfer the buffer to its worker: give it a copy.
      model: exported.bytes.slice(),
      metadata: exported.metadata,
      test,
      quick: job.quick,
    },
    { onProgress: (p) => hooks.onProgress?.(fromOnnxProgress(p)) },
  );
  for (const f of result.executionProviderFallbacks) {
    hooks.onLog?.(`onnxruntime-web ${f.executionProvider} failed: ${f.error}`);
  }
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

async function brainJob(
  job: JobSpec,
  train: DatasetSplit,
  test: DatasetSplit,
  context: BrowserJobContext,
  hooks: BrowserJobHooks,
): Promise<CompareRow> {
  const run = (device: 'gpu' | 'cpu') =>
    runBrainBaseline(
      {
        brain,
        frameworkVersion: brainPackage.version,
        runtime: 'browser',
        train,
        test,
        device,
        epochs: job.epochs,
        seed: job.seed,
        extra: { requestedDevice: context.brainDevice, quick: job.quick },
      },
      {
        onStart: (info) =>
          hooks.onLog?.(
            `brain.js ${info.networkClass}, backend ${info.backend}, device ${info.device}`,
          ),
        onProgress: (p) => hooks.onProgress?.(fromBrainProgress(p)),
      },
    );
  let result: Awaited<ReturnType<typeof run>>;
  if (context.brainDevice === 'cpu') result = await run('cpu');
  else {
    try {
      result = await run('gpu');
    } catch (error) {
      // runBrainBaseline refuses NeuralNetworkGPU without a GPU before training starts.
      if (context.brainDevice === 'gpu' || !/found no GPU/.test(String(error))) throw error;
      hooks.onLog?.('brain.js: gpu.js found no WebGL here, using the CPU network');
      result = await run('cpu');
    }
  }
  return { ...result, baseline: job.baseline, label: rowLabel(result), role: 'trained' };
}
