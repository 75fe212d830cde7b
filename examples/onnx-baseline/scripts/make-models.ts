/**
 * Regenerates the committed models: trains the two small tfjs models of `scripts/models.ts` on
 * Fashion-MNIST (tfjs wasm backend, Node), saves the CNN in the tfjs layers format
 * (`models/cnn.tfjs/`), exports each to ONNX with an `[N,1,28,28]` input (`models/<kind>.onnx`),
 * checks onnxruntime-node and onnxruntime-web against tfjs on all 10,000 test images, and writes
 * the metadata (`models/<kind>.json`) that the baseline reads for its training fields.
 *
 *   pnpm make-models [--only mlp|cnn] [--epochs N] [--seed N] [--train-samples N]
 *
 * Deterministic up to floating-point summation order: seeded initializers, dropout and shuffles.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { argmax, type DatasetSplit, evaluate, subset } from '@fmnist/core';
import { loadDataset } from '@fmnist/core/node';
import { decodeOnnxModel, exportLayersModel, toOrtTensor } from '@fmnist/onnx';
import { toTfDataset } from '@fmnist/tfjs';
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { formatJson, type ModelMetadata, type ParityRecord } from '../src/metadata.ts';
import { buildModel, MODEL_DESCRIPTIONS, MODEL_NAMES, type ModelKind } from './models.ts';
import { saveTfjsModel } from './tfjsFiles.ts';
import { useTfjsWasm } from './tfjsWasm.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const modelsDir = path.resolve(here, '../models');

const DEFAULT_EPOCHS: Record<ModelKind, number> = { mlp: 10, cnn: 6 };
const BATCH_SIZE = 64;
const LEARNING_RATE = 0.002;

const program = new Command()
  .name('make-models')
  .option('--only <kind>', 'mlp or cnn (default: both)')
  .option('--epochs <n>', 'epochs (default mlp 10, cnn 6)', Number)
  .option('--seed <n>', 'seed', Number, 42)
  .option('--train-samples <n>', 'use the first N training images', Number)
  .parse();
const opts = program.opts<{
  only?: ModelKind;
  epochs?: number;
  seed: number;
  trainSamples?: number;
}>();

await useTfjsWasm();
ortWeb.env.wasm.numThreads = 1;
const [fullTrain, test] = await Promise.all([
  loadDataset({ split: 'train' }),
  loadDataset({ split: 'test' }),
]);
const train = opts.trainSamples ? subset(fullTrain, { count: opts.trainSamples }) : fullTrain;
await mkdir(modelsDir, { recursive: true });

for (const kind of opts.only ? [opts.only] : (['mlp', 'cnn'] as const)) {
  const epochs = opts.epochs ?? DEFAULT_EPOCHS[kind];
  console.log(
    `\n${MODEL_NAMES[kind]}: training ${epochs} epochs on ${train.count} images (tfjs wasm)`,
  );
  const model = buildModel(kind, opts.seed, LEARNING_RATE);
  const dataset = toTfDataset(train, {
    batchSize: BATCH_SIZE,
    shuffle: true,
    seed: opts.seed,
    normalize: 'scale',
  });
  const started = performance.now();
  await model.fitDataset(dataset, {
    epochs,
    verbose: 0,
    callbacks: {
      onEpochEnd: async (epoch, logs) => {
        const seconds = (performance.now() - started) / 1000;
        console.log(
          `  epoch ${epoch + 1}/${epochs} loss ${logs?.loss.toFixed(4)} acc ${logs?.acc.toFixed(4)} (${seconds.toFixed(0)} s)`,
        );
      },
    },
  });
  const trainSeconds = (performance.now() - started) / 1000;

  const tfjsScores = predictTfjs(model, test);
  const tfjsAccuracy = evaluate(test.labels, argmax(tfjsScores, test.count, 10)).accuracy;
  console.log(`  tfjs test accuracy ${tfjsAccuracy.toFixed(4)}`);

  const name = kind;
  // The tfjs source of the CNN is kept so test/parity.test.ts can re-check the export on all test
  // images; the MLP's (200 KB more) is not: its parity is recorded in mlp.json and the exporter's
  // MLP path is checked on all 10,000 images in packages/onnx.
  if (kind === 'cnn') await saveTfjsModel(model, path.join(modelsDir, `${name}.tfjs`));
  const onnx = await exportLayersModel(model, {
    inputLayout: 'nchw',
    docString: `${MODEL_NAMES[kind]}: ${MODEL_DESCRIPTIONS[kind]}. Fashion-MNIST, pixels / 255.`,
    metadata: {
      model: MODEL_NAMES[kind],
      dataset: test.dataset,
      normalize: 'scale',
      classNames: JSON.stringify(test.classNames),
    },
  });
  const parity = await checkParity(onnx, tfjsScores, test);
  for (const r of parity.runtimes) {
    console.log(
      `  ${r.runtime}: argmax agreement ${(r.argmaxAgreement * 100).toFixed(2)}%, max |diff| ${r.maxAbsDiff.toExponential(2)}`,
    );
    if (r.argmaxAgreement !== 1 || r.maxAbsDiff > 1e-4) {
      throw new Error(`${r.runtime} disagrees with tfjs: not writing ${name}.onnx`);
    }
  }
  const decoded = decodeOnnxModel(onnx);
  const metadata: ModelMetadata = {
    model: MODEL_NAMES[kind],
    description: MODEL_DESCRIPTIONS[kind],
    dataset: test.dataset,
    classNames: [...test.classNames],
    normalize: 'scale',
    input: {
      name: decoded.graph.inputs[0].name,
      dims: decoded.graph.inputs[0].dims as (number | string)[],
      layout: 'nchw',
    },
    output: {
      name: decoded.graph.outputs[0].name,
      dims: decoded.graph.outputs[0].dims as (number | string)[],
      kind: 'probabilities',
    },
    training: {
      framework: 'tfjs',
      frameworkVersion: tf.version.tfjs,
      backend: tf.getBackend(),
      device: 'cpu',
      runtime: 'node',
      seed: opts.seed,
      trainSamples: train.count,
      epochs,
      batchSize: BATCH_SIZE,
      optimizer: 'adam',
      learningRate: LEARNING_RATE,
      trainSeconds: round(trainSeconds, 1),
      trainSamplesPerSecond: round((train.count * epochs) / trainSeconds, 1),
      testAccuracy: tfjsAccuracy,
      parameters: model.countParams(),
    },
    parity,
    onnxSha256: createHash('sha256').update(onnx).digest('hex'),
    generatedBy: 'examples/onnx-baseline/scripts/make-models.ts',
  };
  await writeFile(path.join(modelsDir, `${name}.onnx`), onnx);
  await writeFile(path.join(modelsDir, `${name}.json`), formatJson(metadata));
  console.log(
    `  wrote models/${name}.onnx (${onnx.byteLength} bytes), ${name}.json, ${name}.tfjs/`,
  );
  model.dispose();
}

/** tfjs probabilities for the whole split, in chunks to bound memory. */
function predictTfjs(model: tf.LayersModel, split: DatasetSplit): Float32Array {
  const out = new Float32Array(split.count * 10);
  for (let start = 0; start < split.count; start += 1000) {
    const part = subset(split, { start, count: Math.min(1000, split.count - start) });
    const pixels = toOrtTensor(part, { Tensor: ortNode.Tensor, layout: 'nhwc' }).data;
    const scores = tf.tidy(() =>
      (model.predict(tf.tensor4d(pixels, [part.count, 28, 28, 1])) as tf.Tensor).dataSync(),
    );
    out.set(scores as Float32Array, start * 10);
  }
  return out;
}

/** Runs the exported bytes in both onnxruntimes on the whole split and compares with tfjs. */
async function checkParity(
  onnx: Uint8Array,
  want: Float32Array,
  split: DatasetSplit,
): Promise<ParityRecord> {
  const wantClasses = argmax(want, split.count, 10);
  const runtimes: ParityRecord['runtimes'] = [];
  for (const [runtime, ort] of [
    ['onnxruntime-node', ortNode],
    ['onnxruntime-web (wasm)', ortWeb],
  ] as const) {
    const session = await ort.InferenceSession.create(onnx);
    const input = toOrtTensor(split, { Tensor: ort.Tensor, layout: 'nchw' });
    const { output } = await session.run({ input });
    const got = output.data as Float32Array;
    const classes = argmax(got, split.count, 10);
    let agree = 0;
    for (let i = 0; i < split.count; i++) if (classes[i] === wantClasses[i]) agree++;
    let maxAbsDiff = 0;
    for (let i = 0; i < got.length; i++)
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(got[i] - want[i]));
    runtimes.push({ runtime, argmaxAgreement: agree / split.count, maxAbsDiff });
    await session.release();
  }
  return { images: split.count, runtimes };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
