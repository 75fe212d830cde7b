// `pnpm start [--model FILE] [--quick] [--dataset mnist] [--out FILE] [--ep ...]`: the ONNX baseline's command line.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '@fmnist/core/node';
import { formatProgress, formatResult, PLAN } from '@fmnist-examples/baseline-kit';
import { peakRssMB, writeFileAtomically } from '@fmnist-examples/baseline-kit/node';
import { Command, Option } from 'commander';
import { readOnnxModel } from './modelFile.ts';
import { loadNodeRuntime, type NodeExecutionProvider } from './nodeRuntime.ts';
import { runOnnxBaseline } from './run.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const exampleDir = path.resolve(here, '..');

const program = new Command()
  .name('onnx-baseline')
  .description('Evaluate an ONNX model on the Fashion-MNIST (or MNIST) test split.')
  .option(
    '--model <file>',
    'ONNX model with input [N,1,28,28] or [N,784]',
    path.join(exampleDir, 'models/cnn.onnx'),
  )
  .option('--metadata <file>', 'metadata JSON (default: the model path with .json, when present)')
  .option(
    '--quick',
    `the kit's quick plan: time at most ${PLAN.quick.onnx.timedImages.toLocaleString('en')} images per batch size`,
    false,
  )
  .option('--dataset <id>', 'fashion-mnist or mnist', 'fashion-mnist')
  .option('--out <file>', 'result JSON path (default results/onnx-<model>-<backend>.json)')
  .addOption(
    new Option('--ep <provider>', 'execution provider')
      .choices(['auto', 'cpu', 'cuda', 'webgpu', 'wasm'])
      .default('auto'),
  )
  .option('--threads <n>', 'onnxruntime-web wasm threads', Number, 1)
  .option('--batch-sizes <list>', 'batch sizes to time', (v) => v.split(',').map(Number))
  .parse();

const opts = program.opts<{
  model: string;
  metadata?: string;
  quick: boolean;
  dataset: string;
  out?: string;
  ep: NodeExecutionProvider;
  threads: number;
  batchSizes?: number[];
}>();

const modelPath = path.resolve(opts.model);
const { model, metadata } = await readOnnxModel(
  modelPath,
  opts.metadata ? path.resolve(opts.metadata) : undefined,
);
const runtime = await loadNodeRuntime(opts.ep, opts.threads);
const test = await loadDataset({ dataset: opts.dataset, split: 'test' });

console.log(
  `${path.relative(process.cwd(), modelPath)} on ${test.dataset} test (${test.count} images), ` +
    `${runtime.framework}, trying ${runtime.executionProviders.join(' then ')}`,
);
const result = await runOnnxBaseline({
  ...runtime,
  runtime: 'node',
  model,
  metadata,
  modelName: metadata?.model ?? path.basename(modelPath, '.onnx'),
  test,
  quick: opts.quick,
  batchSizes: opts.batchSizes,
  peakRssMB,
  extra: {
    modelFile: path.relative(exampleDir, modelPath),
    nodeVersion: process.version,
    threads: runtime.framework === 'onnxruntime-web' ? opts.threads : null,
  },
  onProgress: (p) => {
    if (p.phase === 'backend' && p.status === 'ready')
      console.log(`  execution provider: ${p.backend}`);
    else if ((p.phase === 'backend' && p.status === 'failed') || p.phase === 'throughput')
      console.log(`  ${formatProgress(p)}`);
  },
});
console.log(
  `  accuracy ${(result.testAccuracy * 100).toFixed(2)}%, ${result.inferenceImagesPerSecond.toFixed(0)} images/s ` +
    `(accuracy pass, batch ${result.evaluationBatchSize}), peak RSS ${result.peakRssMB} MB`,
);

const out = path.resolve(
  opts.out ??
    path.join(
      exampleDir,
      'results',
      `onnx-${result.model}-${result.backend}${opts.quick ? '-quick' : ''}.json`,
    ),
);
await mkdir(path.dirname(out), { recursive: true });
await writeFileAtomically(out, formatResult(result));
console.log(`  wrote ${path.relative(process.cwd(), out)}`);
