// `pnpm bench:memory`: peak RSS of a full-plan onnxruntime-node run of the full run's CNN (cnn-bn).
/**
 * Peak resident set size of one `runOnnxBaseline` call on the whole test split, full plan, with
 * onnxruntime-node's CPU provider, on the full comparison's CNN (`cnn-bn`, exported untrained: the
 * weights do not change the memory). Each configuration runs in a fresh process without tfjs, as
 * the comparison's ONNX jobs do, so `process.resourceUsage().maxRSS` is that run's alone.
 *
 *   pnpm bench:memory [--batch-sizes 1,64,1000,10000] [--min-seconds 0.2]
 *
 * Without `--batch-sizes` it measures the default (`BATCH_SIZES`) and, for comparison, the
 * batch sizes up to 10,000 that the full plan timed before the comparison's 400 MB limit.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDataset } from '@fmnist/core/node';
import { peakRssMB } from '@fmnist-examples/baseline-kit/node';
import { Command } from 'commander';
import { readOnnxModel } from '../src/modelFile.ts';
import { loadNodeRuntime } from '../src/nodeRuntime.ts';
import { BATCH_SIZES, runOnnxBaseline } from '../src/run.ts';
import { runSelfChild } from './selfChild.ts';

/** What one child run prints: memory before and after, and the throughput it measured. */
interface MemoryRow {
  peakRssMBBeforeRun: number;
  peakRssMB: number;
  inferenceBatchSize: number;
  inferenceImagesPerSecond: number;
  throughput: string[];
}

/** The zoo model measured: the full comparison's CNN, the largest activations of any job. */
const MODEL = 'cnn-bn';

const opts = new Command()
  .option('--batch-sizes <list>', 'batch sizes to time (one child run)')
  .option('--min-seconds <s>', 'seconds per timed batch size', Number, 0.2)
  .option('--child <model>', '(internal) measure this .onnx in this process and print JSON')
  .parse()
  .opts<{ batchSizes?: string; minSeconds: number; child?: string }>();

if (opts.child) {
  const { model: bytes, metadata } = await readOnnxModel(opts.child);
  const test = await loadDataset({ split: 'test' });
  const before = peakRssMB();
  const result = await runOnnxBaseline({
    ...(await loadNodeRuntime('cpu')),
    runtime: 'node',
    model: bytes,
    metadata,
    test,
    batchSizes: opts.batchSizes?.split(',').map(Number),
    minSeconds: opts.minSeconds,
  });
  process.stdout.write(
    `${JSON.stringify({
      peakRssMBBeforeRun: Math.round(before),
      peakRssMB: Math.round(peakRssMB()),
      inferenceBatchSize: result.inferenceBatchSize,
      inferenceImagesPerSecond: result.inferenceImagesPerSecond,
      throughput: result.inferenceThroughput.map((t) => `${t.batchSize}: ${t.imagesPerSecond}`),
    })}\n`,
  );
} else {
  const configs = opts.batchSizes
    ? [opts.batchSizes]
    : [BATCH_SIZES.join(','), [...new Set([...BATCH_SIZES, 10_000])].join(',')];
  // The model is built and exported here, so the measured processes never load tfjs.
  const { buildModel, exportForOnnx } = await import('@fmnist-examples/baseline-kit/tfjs');
  const { formatJson } = await import('@fmnist-examples/baseline-kit');
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const model = buildModel(MODEL, 42);
  const { bytes, metadata } = await exportForOnnx(model, null, { generatedBy: 'bench:memory' });
  model.dispose();
  const dir = await mkdtemp(path.join(tmpdir(), 'onnx-memory-'));
  const file = path.join(dir, `${MODEL}.onnx`);
  await writeFile(file, bytes);
  await writeFile(path.join(dir, `${MODEL}.json`), formatJson(metadata));
  for (const batchSizes of configs) {
    const row = await runSelfChild<MemoryRow>(import.meta.url, [
      '--child',
      file,
      '--batch-sizes',
      batchSizes,
      '--min-seconds',
      String(opts.minSeconds),
    ]);
    console.log(
      `onnxruntime-node ${MODEL}, full test split, timed batch sizes ${batchSizes}: peak RSS ${row.peakRssMB} MB ` +
        `(${row.peakRssMBBeforeRun} MB before the run); accuracy pass ${row.inferenceImagesPerSecond} images/s ` +
        `at batch ${row.inferenceBatchSize}; session.run images/s ${row.throughput.join(', ')}`,
    );
  }
  await rm(dir, { recursive: true, force: true });
}
