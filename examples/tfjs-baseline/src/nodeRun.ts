import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type BaselineResult, loadDataset } from '@fmnist/core/node';
import type { BackendChoice } from './backendChoice.ts';
import { serializeModel, WEIGHTS_FILE } from './modelArtifacts.ts';
import type { ModelKind } from './models.ts';
import { selectNodeBackend } from './nodeBackend.ts';
import { type BaselineHooks, runTfjsBaseline } from './train.ts';

/** Options of {@link runNodeBaseline}, i.e. of `pnpm start`. */
export interface NodeBaselineOptions {
  /** Default `'mlp'`. */
  model?: ModelKind;
  /** Default `'fashion-mnist'`. */
  dataset?: 'fashion-mnist' | 'mnist';
  epochs?: number;
  quick?: boolean;
  trainSamples?: number;
  seed?: number;
  batchSize?: number;
  learningRate?: number;
  /** Force a backend (`tensorflow-gpu`, `tensorflow`, `wasm`, `cpu`); default: best available. */
  backend?: string;
  /** Folder with the four `.gz` files; default: core's lookup (env `FMNIST_DATA_DIR` / `FMNIST_MNIST_DIR`, cache, download). */
  dataDir?: string;
  /** Result JSON path; `false` writes none. Default `results/tfjs-<dataset>-<model>[-quick].json`. */
  out?: string | false;
  /** Folder for `model.json` + `weights.bin`; `false` saves nothing. Default `results/tfjs-<dataset>-<model>[-quick]-model`. */
  saveModel?: string | false;
}

/** Callbacks of {@link runNodeBaseline}: training progress plus one-line status messages. */
export interface NodeBaselineHooks extends BaselineHooks {
  /** Status lines (backend choice, data loading, where files went). */
  onLog?: (line: string) => void;
}

/** What {@link runNodeBaseline} produced. */
export interface NodeBaselineRun {
  result: BaselineResult;
  backend: BackendChoice;
  /** Absolute path of the result JSON, when written. */
  outFile?: string;
  /** Absolute path of the saved model folder, when saved. */
  modelDir?: string;
}

/**
 * The result as JSON, two-space indented but with each row of numbers on one line (the confusion
 * matrix stays readable as a 10x10 grid).
 */
export function formatResult(result: BaselineResult): string {
  const json = JSON.stringify(result, null, 2).replace(
    /\[\s+(-?[\d.eE+-]+(?:,\s+-?[\d.eE+-]+)*)\s+\]/g,
    (_, inner: string) => `[${inner.split(/,\s+/).join(', ')}]`,
  );
  return `${json}\n`;
}

/** Peak resident set size of this process in MB (`maxRSS` is in KB on every platform Node supports). */
export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
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
  const backend = await selectNodeBackend(options.backend);
  for (const s of backend.skipped) log(`backend ${s.backend} skipped: ${s.reason}`);
  log(`backend: ${backend.backend} (${backend.device}, ${backend.backendPackage})`);

  const loaded = performance.now();
  const [train, test] = await Promise.all(
    (['train', 'test'] as const).map((split) =>
      loadDataset({ dataset, split, ...(options.dataDir ? { dataDir: options.dataDir } : {}) }),
    ),
  );
  log(
    `data: ${dataset} train ${train.count}, test ${test.count} (${((performance.now() - loaded) / 1000).toFixed(1)} s)`,
  );

  const run = await runTfjsBaseline(
    {
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
      peakRssMB,
      extra: { backendPackage: backend.backendPackage, nodeVersion: process.version },
    },
    hooks,
  );
  try {
    const stem = `tfjs-${dataset}-${model}${options.quick ? '-quick' : ''}`;
    const output: NodeBaselineRun = { result: run.result, backend };
    if (options.saveModel !== false) {
      const dir = path.resolve(options.saveModel ?? path.join('results', `${stem}-model`));
      const files = await serializeModel(run.model);
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'model.json'), files.modelJson);
      await writeFile(path.join(dir, WEIGHTS_FILE), files.weights);
      output.modelDir = dir;
      log(`model: ${dir}/model.json + ${WEIGHTS_FILE}`);
    }
    // Peak memory is read last so that it covers saving too.
    run.result.peakRssMB = Math.round(peakRssMB() * 10) / 10;
    if (options.out !== false) {
      const file = path.resolve(options.out ?? path.join('results', `${stem}.json`));
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, formatResult(run.result));
      output.outFile = file;
      log(`result: ${file}`);
    }
    return output;
  } finally {
    run.model.dispose();
  }
}
