// `pnpm bench`: inference throughput of the committed models per onnxruntime configuration.
/**
 * Inference throughput of the committed models in onnxruntime-web wasm (1 and 2 threads) and
 * onnxruntime-node (CPU provider), as images/s and as ratios to onnxruntime-node.
 *
 *   pnpm bench [--quick] [--models cnn,mlp]
 *
 * Each runtime configuration runs in its own process: onnxruntime-web fixes its thread count when
 * its wasm module starts. Timings are `session.run` alone on prepared tensors (see
 * `runOnnxBaseline`), on the real Fashion-MNIST test split. Writes results/bench-onnx.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '@fmnist/core/node';
import { Command } from 'commander';
import { readOnnxModel } from '../src/modelFile.ts';
import { loadNodeRuntime } from '../src/nodeRuntime.ts';
import { runOnnxBaseline, type ThroughputRecord } from '../src/run.ts';
import { runSelfChild } from './selfChild.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const exampleDir = path.resolve(here, '..');

const CONFIGS = {
  'onnxruntime-node': { ep: 'cpu', threads: 1 },
  'onnxruntime-web wasm 1 thread': { ep: 'wasm', threads: 1 },
  'onnxruntime-web wasm 2 threads': { ep: 'wasm', threads: 2 },
} as const;
type ConfigName = keyof typeof CONFIGS;

const opts = new Command()
  .option('--quick', 'batch sizes up to 1,000 and 0.2 s per size', false)
  .option('--models <list>', 'models to time', 'cnn,mlp')
  .option('--config <name>', '(internal) run one configuration and print JSON')
  .parse()
  .opts<{ quick: boolean; models: string; config?: ConfigName }>();
const modelNames = opts.models.split(',');

if (opts.config) {
  // Child process: one runtime configuration, all models.
  const { ep, threads } = CONFIGS[opts.config];
  const runtime = await loadNodeRuntime(ep, threads);
  const test = await loadDataset({ split: 'test' });
  const out: Record<string, ThroughputRecord[]> = {};
  for (const name of modelNames) {
    const { model, metadata } = await readOnnxModel(
      path.join(exampleDir, 'models', `${name}.onnx`),
    );
    const result = await runOnnxBaseline({
      ...runtime,
      runtime: 'node',
      model,
      metadata,
      test,
      quick: opts.quick,
    });
    out[name] = result.inferenceThroughput;
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
} else {
  const results: Record<string, Record<string, ThroughputRecord[]>> = {};
  for (const config of Object.keys(CONFIGS) as ConfigName[]) {
    console.error(`timing ${config}...`);
    results[config] = await runSelfChild(
      import.meta.url,
      ['--config', config, '--models', opts.models, ...(opts.quick ? ['--quick'] : [])],
      exampleDir,
    );
  }
  const reference = results['onnxruntime-node'];
  const rows: Record<string, unknown>[] = [];
  for (const name of modelNames) {
    for (const { batchSize, imagesPerSecond: nodeRate } of reference[name]) {
      const row: Record<string, unknown> = {
        model: name,
        batchSize,
        'onnxruntime-node img/s': Math.round(nodeRate),
      };
      for (const config of Object.keys(CONFIGS).slice(1) as ConfigName[]) {
        const rate =
          results[config][name].find((t) => t.batchSize === batchSize)?.imagesPerSecond ??
          Number.NaN;
        row[`${config} img/s`] = Math.round(rate);
        row[`${config} / node`] = Math.round((rate / nodeRate) * 100) / 100;
      }
      rows.push(row);
    }
  }
  console.table(rows);
  const file = path.join(exampleDir, 'results', `bench-onnx${opts.quick ? '-quick' : ''}.json`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, rows, results }, null, 2)}\n`,
  );
  console.error(`wrote ${path.relative(process.cwd(), file)}`);
}
