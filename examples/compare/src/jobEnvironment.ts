// What one job needs of the platform it runs on (like Floating UI's `platform`).
import type { DatasetSplit } from '@fmnist/core';
import type { ModelMetadata } from '@fmnist-examples/baseline-kit';
import type { BrainModule } from '@fmnist-examples/brain-baseline';
import type { OrtModule } from '@fmnist-examples/onnx-baseline';
import type { BackendChoice, TfjsBaselineRun } from '@fmnist-examples/tfjs-baseline';
import type { DatasetId } from './plan.ts';
import type { BaselineId } from './rows.ts';

/** Which trained model: the tfjs baseline that trained it, on which dataset. */
export interface ModelKey {
  dataset: DatasetId;
  baseline: BaselineId;
}

/** What a tfjs job hands on: the trained model and its ONNX export with the export's metadata. */
export interface TrainedModel {
  /** The trained tfjs model (the runner disposes it after `saveModel`). */
  model: TfjsBaselineRun['model'];
  /** The `.onnx` bytes. */
  bytes: Uint8Array;
  /** The JSON that goes beside the `.onnx` (input, training record, checksum). */
  metadata: ModelMetadata;
}

/** A model an ONNX job evaluates, as {@link JobEnvironment.loadModel} returns it. */
export interface SavedModel {
  bytes: Uint8Array;
  /** Null when the metadata file is gone: the result's training fields are then empty. */
  metadata: ModelMetadata | null;
  /** Where it is stored, for the result (`modelFile`); none in a page. */
  file?: string;
}

/** The tfjs backend a job trains on (already active), and why others were skipped. */
export type TfjsBackend = BackendChoice & {
  renderer?: string;
  /** Threads the backend computes with, where it says (wasm's `getThreadsCount()`, 1 on cpu). */
  threads?: number;
};

/** The onnxruntime a job evaluates with and the execution providers to try, in order. */
export interface OnnxRuntime {
  ort: OrtModule;
  /** Its package, recorded as `framework`: `'onnxruntime-node'` or `'onnxruntime-web'`. */
  framework: string;
  executionProviders: readonly string[];
}

/** brain.js as this platform loads it, and the devices to try, in order. */
export interface BrainRuntime {
  brain: BrainModule;
  version: string;
  /** Each one is tried when the one before it found no GPU (`['gpu', 'cpu']`: GPU if there is one). */
  devices: readonly ('gpu' | 'cpu')[];
  /** Fields for the result (how it was loaded or asked for). */
  extra: Record<string, unknown>;
  /** A status line for the log (which build was loaded). */
  note?: string;
}

/**
 * The platform a job runs on. `runJob` does the job (same data, same baseline calls, same row)
 * and asks this object for everything that differs between Node and a browser page; Node's is
 * `nodeEnvironment()`, the page's `browserEnvironment()`.
 */
export interface JobEnvironment {
  /** Recorded in every result. */
  runtime: 'node' | 'browser';
  /** Aborts the job: the baselines stop at their next batch and reject with `ABORTED`. */
  signal?: AbortSignal;
  /** Fields every result of this platform carries (Node: `nodeVersion`). */
  resultExtra: Record<string, unknown>;
  /** The whole split (the runner takes the job's prefix of it). */
  loadSplit(dataset: DatasetId, split: 'train' | 'test'): Promise<DatasetSplit>;
  /**
   * A fingerprint of a split's images and labels (`splitFingerprint`: the same sha256 in Node
   * and a page), so that "the same data" is checked across jobs and across merged runs; omitted
   * where the platform cannot hash (a page outside a secure context).
   */
  fingerprint?(split: DatasetSplit): Promise<string>;
  /** Keeps a tfjs job's model for the ONNX job after it; returns where (for `modelFile`). */
  saveModel(key: ModelKey, model: TrainedModel): Promise<{ file?: string }>;
  /** The model {@link saveModel} kept, or undefined when there is none. */
  loadModel(key: ModelKey): Promise<SavedModel | undefined>;
  /** Peak memory of the job's process in MB; 0 where the platform cannot tell (a page). */
  peakMemoryMB(): number;
  /** Picks and activates the tfjs backend. */
  tfjsBackend(): Promise<TfjsBackend>;
  /** Loads onnxruntime. */
  onnxRuntime(): Promise<OnnxRuntime>;
  /** Loads brain.js. */
  brainRuntime(): Promise<BrainRuntime>;
}
