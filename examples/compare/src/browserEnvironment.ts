// The comparison's JobEnvironment in a browser page: fetched splits, in-memory models, GPU paths.
import { browserPlatform, type DatasetSplit, loadDataset } from '@fmnist/core';
import { loadBrowserBrain } from '@fmnist-examples/brain-baseline/browser';
import { selectBrowserBackend } from '@fmnist-examples/tfjs-baseline/browser';
import * as ort from 'onnxruntime-web';
import type { JobEnvironment, SavedModel } from './jobEnvironment.ts';
import { canFingerprint, splitFingerprint } from './sameData.ts';

/** The page's choices. */
export interface BrowserEnvironmentOptions {
  /** Base URL of the `.gz` files, `{dataset}` replaced; empty: the dataset's public mirrors. */
  dataUrl: string;
  /** tfjs backend to force (`webgpu`, `webgl`, `wasm`, `cpu`); default: the best available. */
  tfjsBackend?: string;
  /** onnxruntime-web execution providers to try in order. */
  onnxProviders: readonly string[];
  /** brain.js: `auto` tries `NeuralNetworkGPU` (WebGL) and falls back to the CPU network. */
  brainDevice: 'auto' | 'gpu' | 'cpu';
  /** Stops the running job. */
  signal?: AbortSignal;
}

/**
 * The page's {@link JobEnvironment}: each split is fetched once (no cache: the page holds it),
 * the ONNX exports stay in memory for the ONNX jobs, tfjs runs on WebGPU (else WebGL, wasm, cpu),
 * onnxruntime-web on the given providers and brain.js on gpu.js WebGL where asked. A page cannot
 * see its memory use: peak memory is 0 ("not measured").
 */
export function browserEnvironment(options: BrowserEnvironmentOptions): JobEnvironment {
  const platform = browserPlatform();
  const splits = new Map<string, Promise<DatasetSplit>>();
  const models = new Map<string, SavedModel>();
  return {
    runtime: 'browser',
    ...(options.signal ? { signal: options.signal } : {}),
    resultExtra: {},
    loadSplit(dataset, split) {
      const key = `${dataset}/${split}`;
      if (!splits.has(key)) {
        const base = options.dataUrl.replace('{dataset}', dataset);
        const mirrors = base ? [new URL(base, location.href).href] : undefined;
        splits.set(key, loadDataset({ dataset, split, platform, cache: false, mirrors }));
      }
      return splits.get(key)!;
    },
    // The same sha256 as Node's, so a merge can check that a page and a server used the same data.
    ...(canFingerprint() ? { fingerprint: splitFingerprint } : {}),
    peakMemoryMB: () => 0,
    async saveModel(key, trained) {
      models.set(`${key.dataset}/${key.baseline}`, {
        bytes: trained.bytes,
        metadata: trained.metadata,
      });
      return {};
    },
    async loadModel(key) {
      const saved = models.get(`${key.dataset}/${key.baseline}`);
      // onnxruntime-web may transfer the buffer to its worker: give it a copy.
      return saved && { ...saved, bytes: saved.bytes.slice() };
    },
    tfjsBackend: () => selectBrowserBackend(options.tfjsBackend),
    async onnxRuntime() {
      ort.env.wasm.numThreads = 1;
      ort.env.logLevel = 'error';
      return { ort, framework: 'onnxruntime-web', executionProviders: options.onnxProviders };
    },
    async brainRuntime() {
      const { brain, version } = loadBrowserBrain();
      const { brainDevice } = options;
      return {
        brain,
        version,
        devices: brainDevice === 'auto' ? ['gpu', 'cpu'] : [brainDevice],
        extra: { requestedDevice: brainDevice },
      };
    },
  };
}
