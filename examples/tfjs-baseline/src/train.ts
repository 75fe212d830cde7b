// The tfjs baseline run: convert with @fmnist/tfjs, build a zoo model, train, evaluate, return the result.
import { type AugmentOptions, evaluate, getDataset, subset } from '@fmnist/core';
import { predictClasses, toTfDataset } from '@fmnist/tfjs';
import { fusedAdam, fusedBatchNorm } from '@fmnist/tfjs/wasm-kernels';
import {
  type BaselineOptions,
  type BaselineResult,
  prefixOf,
  resolveTraining,
  roundTo,
  throwIfAborted,
} from '@fmnist-examples/baseline-kit';
import { buildModel, type ZooModelName } from '@fmnist-examples/baseline-kit/tfjs';
import * as tf from '@tensorflow/tfjs';

/** The two models of this baseline, as `--model` names them. */
export type TfjsModelKind = 'mlp' | 'cnn';

/** The zoo model behind each {@link TfjsModelKind}. */
export const TFJS_MODELS: Readonly<Record<TfjsModelKind, ZooModelName>> = {
  mlp: 'mlp-128',
  cnn: 'cnn-small',
};

/** What {@link runTfjsBaseline} trains on and how. Platform-neutral: data and backend come in. */
export interface TfjsBaselineOptions extends BaselineOptions {
  /**
   * `'mlp'` (`mlp-128`) or `'cnn'` (`cnn-small`), or any zoo model by name (the ONNX baseline's
   * `make-models` trains `mlp-64` and `cnn-tiny` with this function).
   */
  model: TfjsModelKind | ZooModelName;
  /** Active tfjs backend name, already set with `tf.setBackend` (recorded, not changed here). */
  backend: string;
  /** Whether that backend runs on a GPU. */
  device: 'gpu' | 'cpu';
  /** Mini-batch size. Default 64. */
  batchSize?: number;
  /** Adam learning rate of the first epoch. Default: the kit's `PLAN` row for its model, else 0.001. */
  learningRate?: number;
  /**
   * Learning rate multiplier per epoch (epoch `e` trains at `learningRate * learningRateDecay^e`),
   * the same option as the brain.js baseline's. Default: the kit's `PLAN` row, else 1 (constant).
   */
  learningRateDecay?: number;
  /**
   * Seeded shifts and flips of the training batches (`toTfDataset`'s `augment`, core's
   * `augmentImages`), e.g. `{ maxShift: 2, flip: true }`; the test split is never augmented.
   * `flip` is refused on a dataset whose descriptor is not `mirrorInvariant` (a mirrored digit
   * is another digit, or none). Default: none.
   */
  augment?: AugmentOptions;
}

/** What {@link runTfjsBaseline} returns. */
export interface TfjsBaselineRun {
  /** The baseline result JSON. */
  result: BaselineResult;
  /**
   * The trained model, for saving and inference; the caller disposes it. Its optimizer state has
   * been freed: compile it again to train further.
   */
  model: tf.LayersModel;
}

/**
 * Trains a zoo model on the active backend, evaluates it on the test split and returns the
 * shared baseline result. Used by the Node CLI, the browser page, `make-models` and the
 * comparison: it loads no data and picks no backend itself. Epochs and training images default
 * to the kit's `PLAN` (`quick` or `full`).
 *
 * Training streams batches through `@fmnist/tfjs`'s `toTfDataset` (no float copy of the whole
 * split); evaluation decodes predictions with `predictClasses` and core's `evaluate`.
 *
 * @throws FmnistError `ABORTED` when `options.signal` fires (checked after every batch).
 */
export async function runTfjsBaseline(options: TfjsBaselineOptions): Promise<TfjsBaselineRun> {
  const started = performance.now();
  const seconds = (since: number) => (performance.now() - since) / 1000;
  const progress = options.onProgress ?? (() => {});
  // 1. The settings: the kit's plan unless the options say otherwise.
  const convolutional = options.model === 'cnn' || options.model.startsWith('cnn');
  const plan = resolveTraining(convolutional ? 'tfjs-cnn' : 'tfjs-mlp', options);
  // `cnn` is the plan's CNN for the mode (the full run's has batch norm); a zoo name is itself.
  const name = options.model === 'cnn' ? (plan.model ?? TFJS_MODELS.cnn) : zooName(options.model);
  const what = `tfjs ${name}`;
  throwIfAborted(options.signal, what);
  const seed = options.seed ?? 42;
  const batchSize = options.batchSize ?? 64;
  // The row's rate belongs to the row's model, not to another zoo model trained under its name.
  const rowModel = plan.model ?? TFJS_MODELS[convolutional ? 'cnn' : 'mlp'];
  const learningRate =
    options.learningRate ?? (name === rowModel ? plan.learningRate : undefined) ?? 0.001;
  const normalize = options.normalize ?? 'scale';
  const quick = options.quick ?? false;
  const { epochs } = plan;
  const train = prefixOf(options.train, plan.trainSamples);
  const learningRateDecay = options.learningRateDecay ?? plan.learningRateDecay ?? 1;
  if (!(Number.isFinite(learningRateDecay) && learningRateDecay > 0 && learningRateDecay <= 1)) {
    throw new Error(`learningRateDecay must be in (0, 1], got ${learningRateDecay}`);
  }
  const { augment } = options;
  if (augment?.flip && !mirrorInvariant(train.dataset)) {
    throw new Error(
      `augment.flip mirrors images left-right, which changes what ${train.dataset} images show (its descriptor is not mirrorInvariant); use maxShift alone`,
    );
  }
  const test = prefixOf(options.test, options.testSamples);
  tf.util.assert(
    tf.getBackend() === options.backend,
    () =>
      `runTfjsBaseline: backend "${options.backend}" was asked for but "${tf.getBackend()}" is active`,
  );
  progress({ phase: 'backend', backend: options.backend, status: 'ready', device: options.device });

  // 2. The model, seeded.
  // fusedAdam: tf.train.adam's update to the bit, one wasm SIMD pass per variable on wasm.
  const model = buildModel(name, seed, learningRate, fusedAdam);
  // fusedBatchNorm: a batch norm's training step as two wasm SIMD kernels (the stock layer elsewhere).
  for (const layer of model.layers) {
    if (layer.getClassName() === 'BatchNormalization') fusedBatchNorm(layer);
  }
  try {
    // 3. Train on batches that @fmnist/tfjs streams from the split.
    const dataset = toTfDataset(train, { batchSize, shuffle: true, seed, normalize, augment });
    // tfjs's Adam reads its learningRate field at every step, so setting it per epoch is a schedule.
    const optimizer = model.optimizer as unknown as { learningRate: number };
    const batches = dataset.size;
    let seen = 0;
    let epoch = 0;
    let done = 0;
    const trainStarted = performance.now();
    const rate = () => seen / Math.max(1e-9, seconds(trainStarted));
    let last = { loss: Number.NaN, accuracy: Number.NaN };
    // Mean loss/accuracy over the last epoch (what fitDataset reports at each epoch's end).
    let lastEpoch = { loss: Number.NaN, accuracy: Number.NaN };
    await model.fitDataset(dataset, {
      epochs,
      verbose: 0,
      callbacks: {
        onEpochBegin: async (e) => {
          epoch = e;
          done = 0;
          optimizer.learningRate = learningRate * learningRateDecay ** e;
        },
        onBatchEnd: async (batch, logs) => {
          const size = Math.min(batchSize, train.count - batch * batchSize);
          seen += size;
          done += size;
          last = { loss: logs?.loss ?? Number.NaN, accuracy: logs?.acc ?? Number.NaN };
          progress({
            phase: 'train',
            epoch: epoch + 1,
            epochs,
            batch: batch + 1,
            batches,
            done,
            total: train.count,
            ...last,
            samplesPerSecond: rate(),
            seconds: seconds(trainStarted),
          });
          // Stops after this batch; the abort is reported once fitDataset has returned.
          if (options.signal?.aborted) model.stopTraining = true;
        },
        onEpochEnd: async (e, logs) => {
          if (options.signal?.aborted) return;
          lastEpoch = { loss: logs?.loss ?? last.loss, accuracy: logs?.acc ?? last.accuracy };
          progress({
            phase: 'epoch',
            epoch: e + 1,
            epochs,
            ...lastEpoch,
            samplesPerSecond: rate(),
            seconds: seconds(trainStarted),
          });
        },
      },
    });
    const trainSeconds = seconds(trainStarted);
    // A compiled-in optimizer instance is not owned by the model, so model.dispose() would leave
    // Adam's moment tensors behind. Training is over: free them now.
    model.optimizer.dispose();
    throwIfAborted(options.signal, what);

    // 4. Evaluate on the test split.
    progress({ phase: 'evaluate', done: 0, total: test.count, seconds: 0 });
    // One small batch first so one-time costs (shader compilation, XNNPACK setup) do not count
    // against inference throughput.
    await predictClasses(model, subset(test, { count: Math.min(64, test.count) }), { normalize });
    const inferenceStarted = performance.now();
    const predictions = await predictClasses(model, test, { batchSize: 500, normalize });
    const inferenceSeconds = seconds(inferenceStarted);
    const evaluation = evaluate(test.labels, predictions, test.classNames.length);
    progress({
      phase: 'evaluate',
      done: test.count,
      total: test.count,
      seconds: inferenceSeconds,
    });
    throwIfAborted(options.signal, what);

    // 5. The result JSON.
    const result: BaselineResult = {
      framework: 'tfjs',
      frameworkVersion: tf.version.tfjs,
      runtime: options.runtime,
      backend: options.backend,
      device: options.device,
      dataset: train.dataset,
      model: name,
      seed,
      trainSamples: train.count,
      testSamples: test.count,
      epochs,
      testAccuracy: evaluation.accuracy,
      perClassAccuracy: evaluation.perClassAccuracy,
      confusionMatrix: evaluation.confusionMatrix,
      trainSeconds: roundTo(trainSeconds, 3),
      trainSamplesPerSecond: roundTo((train.count * epochs) / trainSeconds, 1),
      inferenceImagesPerSecond: roundTo(test.count / inferenceSeconds, 1),
      peakRssMB: roundTo(options.peakRssMB?.() ?? 0, 1),
      batchSize,
      learningRate,
      learningRateDecay,
      augment: augment ?? null,
      optimizer: 'adam',
      normalize,
      quick,
      parameters: model.countParams(),
      finalTrainLoss: lastEpoch.loss,
      finalTrainAccuracy: lastEpoch.accuracy,
      ...options.extra,
    };
    progress({ phase: 'done', testAccuracy: result.testAccuracy, seconds: seconds(started) });
    return { result, model };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** The zoo name of a `model` option. */
function zooName(model: TfjsModelKind | ZooModelName): ZooModelName {
  return model === 'mlp' || model === 'cnn' ? TFJS_MODELS[model] : model;
}

/** Whether mirroring keeps the class of the dataset's images; false for a dataset core does not know. */
function mirrorInvariant(dataset: string): boolean {
  try {
    return getDataset(dataset).mirrorInvariant === true;
  } catch {
    return false;
  }
}
