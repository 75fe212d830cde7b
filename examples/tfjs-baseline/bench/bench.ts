// Training and inference throughput of the two baseline models on each Node backend that runs
// here. `pnpm bench [--backends wasm,cpu] [--seconds 6] [--out FILE]`.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadDataset, subset } from '@fmnist/core/node';
import { predictClasses, toTfDataset } from '@fmnist/tfjs';
import { buildModel } from '@fmnist-examples/baseline-kit/tfjs';
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { NODE_BACKENDS } from '../src/nodeBackend.ts';
import { TFJS_MODELS, type TfjsModelKind } from '../src/train.ts';

const program = new Command('tfjs-baseline-bench')
  .option(
    '--backends <list>',
    'comma-separated backends to measure (default: every one that loads)',
  )
  .option('--models <list>', 'comma-separated models', 'mlp,cnn')
  .option('--seconds <s>', 'time budget per measurement (training and inference each)', Number, 6)
  .option('--batch-size <n>', 'training batch size', Number, 64)
  .option('--out <file>', 'JSON output', 'results/bench.json')
  .parse();
const opts = program.opts();

interface Row {
  backend: string;
  model: TfjsModelKind;
  batchSize: number;
  trainSteps: number;
  trainSamplesPerSecond: number;
  msPerStep: number;
  inferenceImages: number;
  inferenceImagesPerSecond: number;
}

const train = await loadDataset({ split: 'train' });
const test = await loadDataset({ split: 'test' });
const wantedBackends = opts.backends ? String(opts.backends).split(',') : undefined;
const models = String(opts.models).split(',') as TfjsModelKind[];
const budgetMs = opts.seconds * 1000;
const rows: Row[] = [];

for (const candidate of NODE_BACKENDS) {
  if (wantedBackends && !wantedBackends.includes(candidate.name)) continue;
  let ok = false;
  try {
    ok = await candidate.load();
  } catch {}
  if (!ok) {
    console.log(`${candidate.name}: not available, skipped`);
    continue;
  }
  await tf.ready();
  for (const kind of models) {
    const model = buildModel(TFJS_MODELS[kind], 42);
    const batchSize = opts.batchSize as number;
    // Training: steps through the same toTfDataset pipeline the baseline uses, one warm-up step
    // excluded, until the time budget is spent.
    const dataset = toTfDataset(subset(train, { count: batchSize * 200 }), {
      batchSize,
      shuffle: true,
      seed: 1,
    });
    const iterator = await dataset.iterator();
    let steps = 0;
    let started = 0;
    for (;;) {
      const { value, done } = await iterator.next();
      if (done) break;
      await model.trainOnBatch(value.xs, value.ys);
      tf.dispose([value.xs, value.ys]);
      if (started === 0) started = performance.now();
      else steps++;
      if (steps > 0 && performance.now() - started > budgetMs) break;
    }
    const trainMs = performance.now() - started;
    // Inference: the whole prediction path (bytes -> floats -> tensor -> predict -> argmax) on
    // growing slices of the test split until one takes at least a third of the budget.
    await predictClasses(model, subset(test, { count: 64 }));
    let images = 250;
    let inferMs = 0;
    for (;;) {
      const t0 = performance.now();
      await predictClasses(model, subset(test, { count: images }), { batchSize: 500 });
      inferMs = performance.now() - t0;
      if (inferMs > budgetMs / 3 || images >= test.count) break;
      images = Math.min(test.count, images * 4);
    }
    model.optimizer.dispose();
    model.dispose();
    const row: Row = {
      backend: candidate.name,
      model: kind,
      batchSize,
      trainSteps: steps,
      trainSamplesPerSecond: Math.round(((steps * batchSize) / trainMs) * 10_000) / 10,
      msPerStep: Math.round((trainMs / steps) * 10) / 10,
      inferenceImages: images,
      inferenceImagesPerSecond: Math.round((images / inferMs) * 10_000) / 10,
    };
    rows.push(row);
    console.log(
      `${row.backend.padEnd(6)} ${row.model}  train ${String(row.trainSamplesPerSecond).padStart(6)} samples/s (${row.msPerStep} ms/step of ${batchSize}, ${steps} steps)  inference ${String(row.inferenceImagesPerSecond).padStart(6)} images/s`,
    );
  }
}

// Ratios against the pure-JS cpu backend measured in this same command.
for (const kind of models) {
  const cpu = rows.find((r) => r.backend === 'cpu' && r.model === kind);
  for (const row of rows.filter((r) => r.model === kind && r !== cpu)) {
    if (!cpu) break;
    console.log(
      `${row.backend} vs cpu, ${kind}: training ${(row.trainSamplesPerSecond / cpu.trainSamplesPerSecond).toFixed(1)}x, inference ${(row.inferenceImagesPerSecond / cpu.inferenceImagesPerSecond).toFixed(1)}x`,
    );
  }
}

const file = path.resolve(opts.out);
await mkdir(path.dirname(file), { recursive: true });
await writeFile(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, tfjs: tf.version.tfjs, rows }, null, 2)}\n`,
);
console.log(`written ${file}`);
