// The comparison's JobEnvironment in Node: core's loader, model files, maxRSS, Node frameworks.
import path from 'node:path';
import { loadDataset } from '@fmnist/core/node';
import { formatJson, roundTo } from '@fmnist-examples/baseline-kit';
import {
  peakRssMB,
  writeFileAtomically,
  writeModelFiles,
} from '@fmnist-examples/baseline-kit/node';
import type { JobEnvironment, ModelKey } from './jobEnvironment.ts';
import type { DatasetId } from './plan.ts';
import { splitFingerprint } from './sameData.ts';

/** Where a Node job reads data and writes models (plain data: it travels to the worker process). */
export interface NodeJobContext {
  /** Folder for the trained tfjs models and their ONNX exports (`<dataset>/tfjs-<model>...`). */
  modelsDir: string;
  /** Folder with the four `.gz` files per dataset; default: core's lookup (env, cache, download). */
  dataDirs?: Partial<Record<DatasetId, string>>;
  /**
   * tfjs jobs on wasm: run its threaded SIMD build with this many threads (`--threads`); absent:
   * the stock single-threaded build.
   */
  wasmThreads?: number;
}

/** Files of the model a tfjs job trained, which the matching ONNX job evaluates. */
export function modelFiles(modelsDir: string, key: ModelKey) {
  const stem = path.join(modelsDir, key.dataset, key.baseline);
  return { tfjsDir: stem, onnx: `${stem}.onnx`, metadata: `${stem}.json` };
}

/**
 * The Node {@link JobEnvironment}: data from `@fmnist/core/node` (`dataDirs`, else env, cache,
 * download), models as files under `modelsDir` (the tfjs model's `model.json` + `weights.bin`,
 * the `.onnx` and its metadata JSON), peak RSS from `process.resourceUsage()`, tfjs-node or wasm,
 * onnxruntime-node, brain.js's CPU network. Frameworks are imported only when a job asks.
 */
export function nodeEnvironment(context: NodeJobContext, signal?: AbortSignal): JobEnvironment {
  return {
    runtime: 'node',
    ...(signal ? { signal } : {}),
    resultExtra: { nodeVersion: process.version },
    loadSplit(dataset, split) {
      const dataDir = context.dataDirs?.[dataset];
      return loadDataset({ dataset, split, ...(dataDir ? { dataDir } : {}), signal });
    },
    fingerprint: splitFingerprint,
    // Each job runs in its own process: this is the job's own peak.
    peakMemoryMB: () => roundTo(peakRssMB(), 1),
    async saveModel(key, trained) {
      const { serializeModel } = await import('@fmnist-examples/baseline-kit/tfjs');
      const files = modelFiles(context.modelsDir, key);
      await writeModelFiles(files.tfjsDir, await serializeModel(trained.model));
      await writeFileAtomically(files.onnx, trained.bytes);
      await writeFileAtomically(files.metadata, formatJson(trained.metadata));
      return { file: path.relative(context.modelsDir, files.onnx) };
    },
    async loadModel(key) {
      const { readOnnxModel } = await import('@fmnist-examples/onnx-baseline/node');
      const files = modelFiles(context.modelsDir, key);
      try {
        const { model, metadata } = await readOnnxModel(files.onnx, files.metadata);
        return { bytes: model, metadata, file: path.relative(context.modelsDir, files.onnx) };
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async tfjsBackend() {
      const { selectNodeBackend } = await import('@fmnist-examples/tfjs-baseline/node');
      return selectNodeBackend(undefined, context.wasmThreads);
    },
    async onnxRuntime() {
      const { loadNodeRuntime } = await import('@fmnist-examples/onnx-baseline/node');
      return loadNodeRuntime('auto', 1);
    },
    async brainRuntime() {
      const { loadBrain } = await import('@fmnist-examples/brain-baseline/node');
      const loaded = await loadBrain();
      return {
        brain: loaded.brain,
        version: loaded.version,
        // gpu.js in Node needs the native `gl` package built and a display; the CPU network is
        // what runs on an ordinary machine (the browser page runs the GPU one).
        devices: ['cpu'],
        extra: { brainEntry: loaded.entry },
        note: `brain.js ${loaded.version} from ${loaded.entry}`,
      };
    },
  };
}
