import {
  type BaselineResult,
  type DatasetSplit,
  evaluate,
  type Normalize,
  subset,
} from '@fmnist/core';
import { predictClasses, toTfDataset } from '@fmnist/tfjs';
import * as tf from '@tensorflow/tfjs';
import { buildModel, MODEL_NAMES, type ModelKind } from './models.ts';

/** Training images used by `quick` runs: a fixed prefix of the training split. */
export const QUICK_TRAIN_SAMPLES = 10_000;

/** Default epochs of a full run, per model (enough to reach the README's targets). */
export const DEFAULT_EPOCHS: Record<ModelKind, number> = { mlp: 15, cnn: 10 };

/** Default epochs of a `quick` run. */
export const QUICK_EPOCHS: Record<ModelKind, number> = { mlp: 2, cnn: 2 };

/** What {@link runTfjsBaseline} trains on and how. Platform-neutral: data and backend come in. */
export interface BaselineOptions {
  /** Architecture, see `buildModel`. */
  model: ModelKind;
  /** Training split (the full 60,000 unless `trainSamples`/`quick` cut it). */
  train: DatasetSplit;
  /** Test split, evaluated in full. */
  test: DatasetSplit;
  /** Where this runs, for the result JSON. */
  runtime: 'node' | 'browser';
  /** Active tfjs backend name, already set with `tf.setBackend` (recorded, not changed here). */
  backend: string;
  /** Whether that backend runs on a GPU. */
  device: 'gpu' | 'cpu';
  /** Passes over the training samples. Default: {@link QUICK_EPOCHS} when `quick`, else {@link DEFAULT_EPOCHS}. */
  epochs?: number;
  /** Train on {@link QUICK_TRAIN_SAMPLES} images and {@link QUICK_EPOCHS} epochs. Default false. */
  quick?: boolean;
  /** Use only the first N training images (overrides `quick`'s 10,000). */
  trainSamples?: number;
  /** Seed for weight initialisation, dropout and the shuffle order. Default 42. */
  seed?: number;
  /** Mini-batch size. Default 64. */
  batchSize?: number;
  /** Adam learning rate. Default 0.001. */
  learningRate?: number;
  /** Pixel normalisation. Default `'scale'` ([0, 1]). */
  normalize?: Normalize;
  /** Peak memory of the process in MB, where the platform can tell (Node: maxRSS). Default 0. */
  peakRssMB?: () => number;
  /** Extra fields copied into the result (e.g. `backendPackage`). */
  extra?: Record<string, unknown>;
}

/** A progress report while training or evaluating. */
export type BaselineProgress =
  | {
      phase: 'train';
      epoch: number;
      epochs: number;
      batch: number;
      batches: number;
      loss: number;
      accuracy: number;
      /** Training samples per second since the run started. */
      samplesPerSecond: number;
    }
  | {
      phase: 'epoch';
      epoch: number;
      epochs: number;
      loss: number;
      accuracy: number;
      samplesPerSecond: number;
    }
  | { phase: 'evaluate'; testSamples: number };

/** Callbacks of {@link runTfjsBaseline}. */
export interface BaselineHooks {
  /** Called after every batch, after every epoch and before evaluation. */
  onProgress?: (progress: BaselineProgress) => void;
}

/** What {@link runTfjsBaseline} returns. */
export interface BaselineRun {
  /** The baseline result JSON. */
  result: BaselineResult;
  /**
   * The trained model, for saving and inference; the caller disposes it. Its optimizer state has
   * been freed: compile it again to train further.
   */
  model: tf.LayersModel;
}

/**
 * Trains a baseline model on the active backend, evaluates it on the whole test split and returns
 * the shared baseline result. Used by the Node CLI (`main.ts`), the browser page and any
 * cross-framework runner: it loads no data and picks no backend itself.
 *
 * Training streams batches through `@fmnist/tfjs`'s `toTfDataset` (no float copy of the whole
 * split); evaluation decodes predictions with core's `argmax`/`evaluate`.
 */
export async function runTfjsBaseline(
  options: BaselineOptions,
  hooks: BaselineHooks = {},
): Promise<BaselineRun> {
  const seed = options.seed ?? 42;
  const batchSize = options.batchSize ?? 64;
  const normalize = options.normalize ?? 'scale';
  const quick = options.quick ?? false;
  const epochs =
    options.epochs ?? (quick ? QUICK_EPOCHS[options.model] : DEFAULT_EPOCHS[options.model]);
  const wanted = options.trainSamples ?? (quick ? QUICK_TRAIN_SAMPLES : undefined);
  const train =
    wanted !== undefined && wanted < options.train.count
      ? subset(options.train, { count: wanted })
      : options.train;
  const { test } = options;

  tf.util.assert(tf.getBackend() === options.backend, () => {
    return `runTfjsBaseline: backend "${options.backend}" was asked for but "${tf.getBackend()}" is active`;
  });
  const model = buildModel(options.model, seed, options.learningRate ?? 0.001);
  try {
    const dataset = toTfDataset(train, { batchSize, shuffle: true, seed, normalize });
    const batches = dataset.size;
    let seen = 0;
    let epoch = 0;
    const started = performance.now();
    const rate = () => seen / Math.max(1e-9, (performance.now() - started) / 1000);
    let last = { loss: Number.NaN, accuracy: Number.NaN };
    // Mean loss/accuracy over the last epoch (what fitDataset reports at each epoch's end).
    let lastEpoch = { loss: Number.NaN, accuracy: Number.NaN };
    await model.fitDataset(dataset, {
      epochs,
      verbose: 0,
      callbacks: {
        onEpochBegin: async (e) => {
          epoch = e;
        },
        onBatchEnd: async (batch, logs) => {
          seen += Math.min(batchSize, train.count - batch * batchSize);
          last = { loss: logs?.loss ?? Number.NaN, accuracy: logs?.acc ?? Number.NaN };
          hooks.onProgress?.({
            phase: 'train',
            epoch: epoch + 1,
            epochs,
            batch: batch + 1,
            batches,
            ...last,
            samplesPerSecond: rate(),
          });
        },
        onEpochEnd: async (e, logs) => {
          lastEpoch = { loss: logs?.loss ?? last.loss, accuracy: logs?.acc ?? last.accuracy };
          hooks.onProgress?.({
            phase: 'epoch',
            epoch: e + 1,
            epochs,
            ...lastEpoch,
            samplesPerSecond: rate(),
          });
        },
      },
    });
    const trainSeconds = (performance.now() - started) / 1000;
    // A compiled-in optimizer instance is not owned by the model, so model.dispose() would leave
    // Adam's moment tensors behind. Training is over: free them now.
    model.optimizer.dispose();

    hooks.onProgress?.({ phase: 'evaluate', testSamples: test.count });
    // One small batch first so one-time costs (shader compilation, XNNPACK setup) do not count
    // against inference throughput.
    await predictClasses(model, subset(test, { count: Math.min(64, test.count) }), { normalize });
    const inferenceStarted = performance.now();
    const predictions = await predictClasses(model, test, { batchSize: 500, normalize });
    const inferenceSeconds = (performance.now() - inferenceStarted) / 1000;
    const evaluation = evaluate(test.labels, predictions, test.classNames.length);

    const result: BaselineResult = {
      framework: 'tfjs',
      frameworkVersion: tf.version.tfjs,
      runtime: options.runtime,
      backend: options.backend,
      device: options.device,
      dataset: train.dataset,
      model: MODEL_NAMES[options.model],
      seed,
      trainSamples: train.count,
      testSamples: test.count,
      epochs,
      testAccuracy: evaluation.accuracy,
      perClassAccuracy: evaluation.perClassAccuracy,
      confusionMatrix: evaluation.confusionMatrix,
      trainSeconds: round(trainSeconds, 3),
      trainSamplesPerSecond: round((train.count * epochs) / trainSeconds, 1),
      inferenceImagesPerSecond: round(test.count / inferenceSeconds, 1),
      peakRssMB: round(options.peakRssMB?.() ?? 0, 1),
      batchSize,
      learningRate: options.learningRate ?? 0.001,
      optimizer: 'adam',
      normalize,
      quick,
      parameters: model.countParams(),
      finalTrainLoss: lastEpoch.loss,
      finalTrainAccuracy: lastEpoch.accuracy,
      ...options.extra,
    };
    return { result, model };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
