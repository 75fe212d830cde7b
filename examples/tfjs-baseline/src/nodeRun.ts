// The whole Node run of the tfjs baseline: backend, data, training, model files and result JSON.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { loadDataset } from '@fmnist/core/node';
import {
  type BaselineProgress,
  type BaselineResult,
  formatResult,
} from '@fmnist-examples/baseline-kit';
import {
  peakRssMB,
  writeFileAtomically,
  writeModelFiles,
} from '@fmnist-examples/baseline-kit/node';
import { serializeModel, WEIGHTS_FILE } from '@fmnist-examples/baseline-kit/tfjs';
import { type NodeBackendChoice, selectNodeBackend } from './nodeBackend.ts';
import { runTfjsBaseline, type TfjsBaselineOptions, type TfjsModelKind } from './train.ts';

/** Options of {@link runNodeBaseline}, i.e. of `pnpm start`. */
export interface NodeBaselineOptions
  extends Pick<TfjsBaselineOptions, 'learningRateDecay' | 'augment'> {
  /** Default `'mlp'`. */
  model?: TfjsModelKind;
  /** Default `'fashion-mnist'`. */
  dataset?: 'fashion-mnist' | 'mnist';
  /** Default: the kit's `PLAN` (quick: mlp 5, cnn 4; full: mlp 15, cnn 10). */
  epochs?: number;
  /** The `quick` row of the kit's `PLAN`: the first 10,000 training images, fewer epochs. */
  quick?: boolean;
  /** Train on the first N images. */
  trainSamples?: number;
  /** Default 42. */
  seed?: number;
  /** Default 64. */
  batchSize?: number;
  /** Default: the kit's `PLAN` row (full-run cnn), else 0.001. */
  learningRate?: number;
  /** Force a backend (`tensorflow-gpu`, `tensorflow`, `wasm`, `cpu`); default: best available. */
  backend?: string;
  /**
   * wasm only: run its threaded SIMD build with this many threads (1 to 8, `setWasmThreads`).
   * Default: the stock single-threaded SIMD build. The result records the count used as `threads`.
   */
  threads?: number;
  /** Folder with the four `.gz` files; default: core's lookup (env `FMNIST_DATA_DIR` / `FMNIST_MNIST_DIR`, cache, download). */
  dataDir?: string;
  /** Result JSON path; `false` writes none. Default `results/tfjs-<dataset>-<model>[-quick].json`. */
  out?: string | false;
  /** Folder for `model.json` + `weights.bin`; `false` saves nothing. Default `results/tfjs-<dataset>-<model>[-quick]-model`. */
  saveModel?: string | false;
}

/** Callbacks of {@link runNodeBaseline}: training progress plus one-line status messages. */
export interface NodeBaselineHooks {
  /** Every progress report of the run. */
  onProgress?: (progress: BaselineProgress) => void;
  /** Stops the run (`FmnistError` `ABORTED`). */
  signal?: AbortSignal;
  /** Status lines (backend choice, data loading, where files went). */
  onLog?: (line: string) => void;
}

/** What {@link runNodeBaseline} produced. */
export interface NodeBaselineRun {
  /** The result, as written. */
  result: BaselineResult;
  /** The backend that ran, with its thread count. */
  backend: NodeBackendChoice;
  /** Absolute path of the result JSON, when written. */
  outFile?: string;
  /** Absolute path of the saved model folder, when saved. */
  modelDir?: string;
}

/**
 * The whole Node baseline: pick the backend, load the data with `@fmnist/core/node`, train and
 * evaluate (`runTfjsBaseline`), save the model and write the result JSON. Reusable by a
 * cross-framework runner; `main.ts` is only its command line.
 */
export async function runNodeBaseline(
  options: NodeBaselineOptions = {},
  hooks: NodeBaselineHooks = {},
): Promise<NodeBaselineRun> {
  const log = hooks.onLog ?? (() => {});
  const model = options.model ?? 'mlp';
  const dataset = options.dataset ?? 'fashion-mnist';
  const backend = await selectNodeBackend(options.backend, options.threads);
  for (const s of backend.skipped) log(`backend ${s.backend} skipped: ${s.reason}`);
  const threads =
    backend.threads === undefined
      ? undefined
      : `${backend.threads} thread${backend.threads > 1 ? 's' : ''}`;
  log(
    `backend: ${backend.backend} (${backend.device}, ${backend.backendPackage}${threads ? `, ${threads}` : ''})`,
  );
  // The backend's `ready` report carries the thread count too, as its `detail`.
  const onProgress =
    hooks.onProgress &&
    ((p: BaselineProgress) =>
      hooks.onProgress?.(
        p.phase === 'backend' && p.status === 'ready' && threads ? { ...p, detail: threads } : p,
      ));

  const loaded = performance.now();
  const [train, test] = await Promise.all(
    (['train', 'test'] as const).map((split) =>
      loadDataset({ dataset, split, ...(options.dataDir ? { dataDir: options.dataDir } : {}) }),
    ),
  );
  log(
    `data: ${dataset} train ${train.count}, test ${test.count} (${((performance.now() - loaded) / 1000).toFixed(1)} s)`,
  );

  const run = await runTfjsBaseline({
    model,
    train,
    test,
    runtime: 'node',
    backend: backend.backend,
    device: backend.device,
    epochs: options.epochs,
    quick: options.quick,
    trainSamples: options.trainSamples,
    seed: options.seed,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    learningRateDecay: options.learningRateDecay,
    augment: options.augment,
    peakRssMB,
    extra: {
      backendPackage: backend.backendPackage,
      nodeVersion: process.version,
      ...(backend.threads === undefined ? {} : { threads: backend.threads }),
    },
    onProgress,
    signal: hooks.signal,
  });
  try {
    const stem = `tfjs-${dataset}-${model}${options.quick ? '-quick' : ''}`;
    const output: NodeBaselineRun = { result: run.result, backend };
    if (options.saveModel !== false) {
      const dir = path.resolve(options.saveModel ?? path.join('results', `${stem}-model`));
      await writeModelFiles(dir, await serializeModel(run.model));
      output.modelDir = dir;
      log(`model: ${dir}/model.json + ${WEIGHTS_FILE}`);
    }
    // Peak memory is read last so that it covers saving too.
    run.result.peakRssMB = Math.round(peakRssMB() * 10) / 10;
    if (options.out !== false) {
      const file = path.resolve(options.out ?? path.join('results', `${stem}.json`));
      await mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomically(file, formatResult(run.result));
      output.outFile = file;
      log(`result: ${file}`);
    }
    return output;
  } finally {
    run.model.dispose();
  }
}
