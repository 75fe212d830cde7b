// `pnpm start`: every baseline on the same data, one after the other, then the report.
//   pnpm start [--quick | --full] [--dataset fashion-mnist|mnist|all] [--out-dir DIR] ...
//   pnpm start --merge a.json b.json ... [--allow-different]: runs of many machines in one report
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { runComparison } from './compare.ts';
import { describeDifferences } from './merge.ts';
import { DIFFERENT_WORK_EXIT_CODE, mergeFiles } from './mergeFiles.ts';
import { formatDuration } from './progress.ts';
import { writeReport } from './reportFiles.ts';
import { BASELINE_IDS, type BaselineId } from './rows.ts';
import { datasetTitle, formatAccuracy } from './table.ts';
import { createProgressDisplay, type ProgressStyle } from './terminalProgress.ts';
import { INTERRUPTED_EXIT_CODE } from './workerProtocol.ts';

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
};

const program = new Command('compare')
  .description(
    'Train and evaluate every baseline (tfjs MLP and CNN, their ONNX exports on onnxruntime, brain.js MLP) on the same data, split, seed and preprocessing, and write compare.json, compare.md and charts.',
  )
  .option(
    '--quick',
    'the first 10,000 training images and a few epochs (default; minutes on 2 cores)',
  )
  .option(
    '--full',
    "all 60,000 training images and each baseline's full-run epochs (13-21 minutes on 2 cores)",
  )
  .addOption(
    new Option('--dataset <id>', 'dataset, or all for both side by side')
      .choices(['fashion-mnist', 'mnist', 'all'])
      .default('fashion-mnist'),
  )
  .option('--baselines <list>', `comma-separated subset of ${BASELINE_IDS.join(',')}`)
  .option('--train-samples <n>', 'training images (a prefix of the training split)', positiveInt)
  .option(
    '--test-samples <n>',
    'test images (a prefix of the test split; default all 10,000)',
    positiveInt,
  )
  .option('--epochs <n>', 'epochs for every training baseline', positiveInt)
  .option(
    '--threads <n>',
    'tfjs jobs on wasm: the threaded SIMD build with N threads, 1-8 (default: the stock single-threaded build); same results, more throughput where cores are idle',
    positiveInt,
  )
  .option('--seed <n>', 'seed of every baseline', (v) => Number.parseInt(v, 10), 42)
  .option('--out-dir <dir>', 'output folder (with --merge: default results/merged)', 'results')
  .option('--models-dir <dir>', 'folder for the trained models (default <out-dir>/models)')
  .option('--no-png', 'write the charts as SVG only')
  .option(
    '--render <compare.json>',
    'run nothing: write compare.md and the charts again from an earlier compare.json (into --out-dir)',
  )
  .option(
    '--merge <compare.json...>',
    `run nothing: merge compare.json files of several machines (Node runs, the page's download) into one compare.md, merged.json and charts; refuses (exit ${DIFFERENT_WORK_EXIT_CODE}) when they did different work`,
  )
  .option(
    '--allow-different',
    'with --merge: merge runs that did different work (settings, data), marking the differences',
  )
  .addOption(
    new Option('--progress <style>', 'progress display: bars on a terminal, else lines')
      .choices(['auto', 'bars', 'lines', 'none'])
      .default('auto'),
  );

program.parse();
const opts = program.opts<{
  quick?: boolean;
  full?: boolean;
  dataset: 'fashion-mnist' | 'mnist' | 'all';
  baselines?: string;
  trainSamples?: number;
  testSamples?: number;
  epochs?: number;
  threads?: number;
  seed: number;
  outDir: string;
  png: boolean;
  render?: string;
  merge?: string[];
  allowDifferent?: boolean;
  modelsDir?: string;
  progress: ProgressStyle;
}>();
if (opts.quick && opts.full) program.error('choose one of --quick and --full');

if (opts.merge) {
  const outDir = path.resolve(
    program.getOptionValueSource('outDir') === 'default' ? 'results/merged' : opts.outDir,
  );
  try {
    const { outcome, files } = await mergeFiles(opts.merge, {
      outDir,
      png: opts.png,
      allowDifferent: opts.allowDifferent,
    });
    if (!outcome.ok) {
      console.error(outcome.message);
      process.exit(DIFFERENT_WORK_EXIT_CODE);
    }
    const { merged } = outcome;
    for (const warning of merged.warnings) console.warn(`warning: ${warning}`);
    if (merged.differences.length > 0) {
      const lines = describeDifferences(merged.differences);
      console.warn(['merged despite different work (--allow-different):', ...lines].join('\n'));
    }
    for (const run of merged.runs) console.log(`${run.id}: ${run.label} (${run.source})`);
    console.log(
      `${files.length} files in ${outDir}:\n  ${path.join(outDir, 'compare.md')}\n  ${path.join(outDir, 'merged.json')}\n  ${path.join(outDir, 'charts')}/`,
    );
    process.exit(0);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}

if (opts.render) {
  const report = JSON.parse(await readFile(opts.render, 'utf8'));
  const outDir = path.resolve(opts.outDir);
  const files = await writeReport(report, outDir, { png: opts.png });
  console.log(`${files.length} files written in ${outDir} from ${opts.render}`);
  process.exit(0);
}

const display = createProgressDisplay(opts.progress);
// Ctrl-C: the running job stops at its next batch (its worker gets SIGINT as an AbortSignal), no
// report is written and the command exits with 130. A second Ctrl-C kills it at once.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));

try {
  const { report, outDir, files } = await runComparison(
    {
      mode: opts.full ? 'full' : 'quick',
      dataset: opts.dataset,
      baselines: opts.baselines?.split(',').map((s) => s.trim() as BaselineId),
      trainSamples: opts.trainSamples,
      testSamples: opts.testSamples,
      epochs: opts.epochs,
      ...(opts.threads !== undefined ? { wasmThreads: opts.threads } : {}),
      seed: opts.seed,
      outDir: opts.outDir,
      ...(opts.modelsDir ? { modelsDir: opts.modelsDir } : {}),
      png: opts.png,
      signal: controller.signal,
    },
    {
      onProgress: (p) => display.update(p),
      onLog: (line) => display.log(line),
      onJobEnd: (job, outcome) => display.jobEnd(job, outcome),
    },
  );
  display.stop();
  console.log('');
  for (const dataset of report.settings.datasets) {
    console.log(`${datasetTitle(dataset)}:`);
    for (const r of report.results.filter((row) => row.dataset === dataset)) {
      console.log(`  ${formatAccuracy(r.testAccuracy)}  ${r.label}`);
    }
  }
  const failures = report.failures ?? [];
  for (const f of failures) console.log(`failed: ${f.id}: ${f.error.split('\n')[0]}`);
  console.log(
    `\n${files.length} files in ${outDir} (${formatDuration(report.durationSeconds)}):\n` +
      `  ${path.join(outDir, 'compare.md')}\n  ${path.join(outDir, 'compare.json')}\n  ${path.join(outDir, 'charts')}/`,
  );
  if (failures.length > 0) process.exitCode = 1;
} catch (error) {
  display.stop();
  if (controller.signal.aborted) {
    console.error('\ninterrupted: the running job was stopped, no report written');
    process.exitCode = INTERRUPTED_EXIT_CODE;
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  }
}
