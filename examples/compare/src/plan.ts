// What a comparison runs: settings from the options and the kit's PLAN, and the jobs in order.
import { type BaselineMode, planFor, type TrainingBaselineId } from '@fmnist-examples/baseline-kit';
import { BASELINE_IDS, type BaselineId } from './rows.ts';

/** Datasets a comparison can run on. */
export type DatasetId = 'fashion-mnist' | 'mnist';

/** `--dataset` values: one dataset, or both side by side. */
export type DatasetChoice = DatasetId | 'all';

/** How much to train: `quick` (a fixed 10,000-image prefix, few epochs) or `full`. */
export type Mode = BaselineMode;

/** Baselines that train (the ONNX ones evaluate a model a tfjs baseline trained). */
export type { TrainingBaselineId };

/** The training baselines, in {@link BASELINE_IDS} order. */
const TRAINING_BASELINES: readonly TrainingBaselineId[] = ['tfjs-mlp', 'tfjs-cnn', 'brain-mlp'];

/**
 * Training images of every baseline in a mode, from the kit's `PLAN` (`null`: the whole split).
 * A comparison trains every baseline on the same prefix, so the table must agree across them.
 */
function plannedTrainSamples(mode: Mode): number | null {
  const counts = new Set(TRAINING_BASELINES.map((id) => planFor(id, mode).trainSamples));
  if (counts.size !== 1) throw new Error(`PLAN.${mode} trains the baselines on different prefixes`);
  return [...counts][0];
}

/** Which tfjs baseline trains the model each ONNX baseline evaluates. */
export const ONNX_SOURCE: Record<'onnx-mlp' | 'onnx-cnn', 'tfjs-mlp' | 'tfjs-cnn'> = {
  'onnx-mlp': 'tfjs-mlp',
  'onnx-cnn': 'tfjs-cnn',
};

/** What to compare, as given on the command line or in the page. Everything is optional. */
export interface CompareOptions {
  /** Default `'quick'`. */
  mode?: Mode;
  /** Default `'fashion-mnist'`. */
  dataset?: DatasetChoice;
  /** Subset of {@link BASELINE_IDS}; default all. An ONNX baseline needs its tfjs baseline. */
  baselines?: readonly BaselineId[];
  /** Training images (a prefix of the training split). Default: the kit's `PLAN` (quick 10,000, full all). */
  trainSamples?: number;
  /** Test images (a prefix of the test split). Default all 10,000. */
  testSamples?: number;
  /** Epochs for every training baseline, overriding the kit's `PLAN`. */
  epochs?: number;
  /** Seed of every baseline (weights, shuffles, dropout). Default 42. */
  seed?: number;
}

/** The settings every baseline of a comparison shares, fully resolved. */
export interface CompareSettings {
  mode: Mode;
  datasets: DatasetId[];
  baselines: BaselineId[];
  /** Training images per baseline; `null` means the whole training split. */
  trainSamples: number | null;
  /** Test images per baseline; `null` means the whole test split. */
  testSamples: number | null;
  epochs: Record<TrainingBaselineId, number>;
  seed: number;
  /** Pixel preprocessing of every baseline: `x / 255`. */
  normalize: 'scale';
}

/** One baseline run on one dataset. */
export interface JobSpec {
  /** `'<dataset>/<baseline>'`, unique in a comparison. */
  id: string;
  baseline: BaselineId;
  dataset: DatasetId;
  trainSamples: number | null;
  testSamples: number | null;
  /** Training baselines only. */
  epochs?: number;
  seed: number;
  quick: boolean;
  /** ONNX baselines: the tfjs baseline whose exported model they evaluate. */
  trainedBy?: BaselineId;
  /** Rough seconds on an idle two-core machine, only to weigh jobs against each other for the ETA. */
  expectedSeconds: number;
}

/** Validates and fills in {@link CompareOptions}. Throws an `Error` naming a bad option. */
export function resolveSettings(options: CompareOptions = {}): CompareSettings {
  const mode = options.mode ?? 'quick';
  if (mode !== 'quick' && mode !== 'full') throw new Error(`Unknown mode "${mode}"`);
  const dataset = options.dataset ?? 'fashion-mnist';
  const datasets: DatasetId[] =
    dataset === 'all'
      ? ['fashion-mnist', 'mnist']
      : dataset === 'fashion-mnist' || dataset === 'mnist'
        ? [dataset]
        : [];
  if (datasets.length === 0) {
    throw new Error(`Unknown dataset "${dataset}": choose fashion-mnist, mnist or all`);
  }
  const wanted = options.baselines ?? BASELINE_IDS;
  for (const id of wanted) {
    if (!(BASELINE_IDS as readonly string[]).includes(id)) {
      throw new Error(`Unknown baseline "${id}": choose from ${BASELINE_IDS.join(', ')}`);
    }
    if (id === 'onnx-mlp' || id === 'onnx-cnn') {
      if (!wanted.includes(ONNX_SOURCE[id])) {
        throw new Error(
          `${id} evaluates the model ${ONNX_SOURCE[id]} trains: add ${ONNX_SOURCE[id]}`,
        );
      }
    }
  }
  const positive = (name: string, value: number | undefined) => {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new Error(`${name} must be a positive integer, got ${value}`);
    }
    return value;
  };
  const trainSamples = positive('trainSamples', options.trainSamples) ?? plannedTrainSamples(mode);
  const testSamples = positive('testSamples', options.testSamples) ?? null;
  const epochsOverride = positive('epochs', options.epochs);
  const epochs = Object.fromEntries(
    TRAINING_BASELINES.map((id) => [id, epochsOverride ?? planFor(id, mode).epochs]),
  ) as Record<TrainingBaselineId, number>;
  const seed = options.seed ?? 42;
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  return {
    mode,
    datasets,
    // Always in the canonical order, whatever order they were asked in.
    baselines: BASELINE_IDS.filter((id) => wanted.includes(id)),
    trainSamples,
    testSamples,
    epochs,
    seed,
    normalize: 'scale',
  };
}

/**
 * Rough speeds behind {@link JobSpec.expectedSeconds} on this project's 2-core machine (samples
 * or images per second, and fixed seconds), measured in the 2026-12-02 comparisons. Training
 * depends on what the mode's plan trains: the full run's CNN is `cnn-bn` (about 1.15x a
 * `cnn-small` step), and brain.js's cost grows with its hidden units (64 in quick, 128 in full).
 */
const SPEED: Record<BaselineId, { train: (mode: Mode) => number; infer: number; fixed: number }> = {
  'tfjs-mlp': { train: () => 12_000, infer: 6000, fixed: 5 },
  'tfjs-cnn': {
    train: (mode) => (planFor('tfjs-cnn', mode).model === 'cnn-bn' ? 1_250 : 1_450),
    infer: 2500,
    fixed: 6,
  },
  'onnx-mlp': { train: () => Number.POSITIVE_INFINITY, infer: 8000, fixed: 5 },
  'onnx-cnn': { train: () => Number.POSITIVE_INFINITY, infer: 3000, fixed: 6 },
  'brain-mlp': {
    train: (mode) => 90_000 / (planFor('brain-mlp', mode).hiddenLayers?.[0] ?? 64),
    infer: 1500,
    fixed: 5,
  },
};

/** The jobs of a comparison in the order they run: per dataset, {@link BASELINE_IDS} order. */
export function planJobs(settings: CompareSettings): JobSpec[] {
  const jobs: JobSpec[] = [];
  for (const dataset of settings.datasets) {
    for (const baseline of settings.baselines) {
      const training = baseline === 'onnx-mlp' || baseline === 'onnx-cnn' ? undefined : baseline;
      const epochs = training ? settings.epochs[training] : undefined;
      const speed = SPEED[baseline];
      const trainSpeed = speed.train(settings.mode);
      const train = (settings.trainSamples ?? 60_000) * (epochs ?? 0);
      const test = settings.testSamples ?? 10_000;
      jobs.push({
        id: `${dataset}/${baseline}`,
        baseline,
        dataset,
        trainSamples: settings.trainSamples,
        testSamples: settings.testSamples,
        ...(epochs !== undefined ? { epochs } : {}),
        seed: settings.seed,
        quick: settings.mode === 'quick',
        ...(training ? {} : { trainedBy: ONNX_SOURCE[baseline as 'onnx-mlp' | 'onnx-cnn'] }),
        expectedSeconds:
          speed.fixed +
          (Number.isFinite(trainSpeed) ? train / trainSpeed : 0) +
          test / speed.infer +
          (training || settings.mode === 'quick' ? 0 : 8),
      });
    }
  }
  return jobs;
}
