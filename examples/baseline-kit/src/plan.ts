// The quick/full plan: epochs and sample counts of every baseline in each mode, in one table.
import type { ZooModelName } from './tfjs/zoo.ts';

/** How much to train: `quick` (a fixed 10,000-image prefix, few epochs) or `full`. */
export type BaselineMode = 'quick' | 'full';

/** The baselines that train (the ONNX baseline evaluates a model a tfjs baseline trained). */
export type TrainingBaselineId = 'tfjs-mlp' | 'tfjs-cnn' | 'brain-mlp';

/** Epochs and training images of one training baseline in one mode. */
export interface TrainingPlan {
  epochs: number;
  /** A prefix of the training split; `null` means all of it. */
  trainSamples: number | null;
  /**
   * Learning rate multiplier per epoch (epoch `e` trains at `rate * decay^e`); absent: the
   * baseline's own default.
   */
  learningRateDecay?: number;
  /**
   * Learning rate of the first epoch (tfjs: Adam's), for the row's own model; absent: the
   * baseline's own default.
   */
  learningRate?: number;
  /** SGD momentum (brain.js); absent: the baseline's own default. */
  momentum?: number;
  /** Hidden layer sizes (brain.js); absent: the baseline's own default. */
  hiddenLayers?: readonly number[];
  /** The zoo model the tfjs baseline's `cnn` trains in this mode (`tfjs-cnn`); absent: `cnn-small`. */
  model?: ZooModelName;
}

/** Training images of a `quick` run: the first 10,000 of the training split. */
export const QUICK_TRAIN_SAMPLES = 10_000;

/**
 * THE table of epochs and sample counts, read by each baseline's `--quick` and defaults, by the
 * comparison (`pnpm start` runs `quick`, `pnpm start --full` runs `full`) and by
 * `onnx-baseline`'s `make-models` (`committed`).
 *
 * - `full`: each baseline's documented full-run setting (the one its README's targets come from).
 * - `quick`: a few minutes on two cores in all; on 10,000 images the models still improve after
 *   one or two epochs, so the minutes go to epochs.
 * - `onnx.timedImages`: the ONNX baseline times at most this many images per batch size.
 * - `committed`: how the two models committed in `examples/onnx-baseline/models` were trained.
 */
export const PLAN = {
  quick: {
    'tfjs-mlp': { epochs: 5, trainSamples: QUICK_TRAIN_SAMPLES },
    'tfjs-cnn': { epochs: 4, trainSamples: QUICK_TRAIN_SAMPLES },
    'brain-mlp': { epochs: 5, trainSamples: QUICK_TRAIN_SAMPLES },
    onnx: { timedImages: 1_000 },
  },
  full: {
    'tfjs-mlp': { epochs: 15, trainSamples: null },
    // cnn-bn (batch norm after both convolutions) at twice cnn-small's rate, decaying: the
    // tfjs-baseline README lists the runs behind it (wider, deeper, more dropout, seeded flips:
    // no better at this budget).
    'tfjs-cnn': {
      epochs: 12,
      trainSamples: null,
      learningRate: 0.002,
      learningRateDecay: 0.75,
      model: 'cnn-bn',
    },
    // 128 hidden units for 5 epochs, in the time the faster CNN freed: 64 units level off just
    // below 87 % whatever the epochs, rate, momentum or loss (the brain-baseline README lists the
    // runs).
    'brain-mlp': {
      epochs: 5,
      trainSamples: null,
      learningRateDecay: 0.6,
      momentum: 0.5,
      hiddenLayers: [128],
    },
    onnx: { timedImages: null },
  },
  committed: {
    'mlp-64': { epochs: 10, trainSamples: null },
    'cnn-tiny': { epochs: 6, trainSamples: null },
  },
} as const satisfies {
  [mode in BaselineMode]: Record<TrainingBaselineId, TrainingPlan> & {
    onnx: { timedImages: number | null };
  };
} & { committed: Record<string, TrainingPlan> };

/** The row of {@link PLAN} for a training baseline in a mode. */
export function planFor(baseline: TrainingBaselineId, mode: BaselineMode): TrainingPlan {
  return PLAN[mode][baseline];
}

/**
 * The training plan of a run: the baseline's row of {@link PLAN} for `quick` or `full`, with
 * explicit epochs and training images winning over the row's (its other settings are the
 * baseline's to override with its own options).
 */
export function resolveTraining(
  baseline: TrainingBaselineId,
  options: { quick?: boolean; epochs?: number; trainSamples?: number },
): TrainingPlan {
  const plan: TrainingPlan = planFor(baseline, options.quick ? 'quick' : 'full');
  return {
    ...plan,
    epochs: options.epochs ?? plan.epochs,
    trainSamples: options.trainSamples ?? plan.trainSamples,
  };
}
