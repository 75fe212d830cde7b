// `pnpm make-models`: trains, exports, checks and writes the two models committed in models/.
/**
 * Trains the zoo's `mlp-64` and `cnn-tiny` on Fashion-MNIST with the tfjs baseline's own
 * `runTfjsBaseline` (tfjs wasm backend, Node) for the epochs of the kit's `PLAN.committed`, saves
 * the CNN in the tfjs layers format (`models/cnn.tfjs/`), exports each to ONNX with an
 * `[N,1,28,28]` input (`exportForOnnx`), checks onnxruntime-node and onnxruntime-web against tfjs
 * on all 10,000 test images, and writes the metadata (`models/<kind>.json`) that the baseline
 * reads for its training fields.
 *
 *   pnpm make-models [--only mlp|cnn] [--epochs N] [--seed N] [--train-samples N]
 *
 * Deterministic up to floating-point summation order: seeded initializers, dropout and shuffles.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { argmax, type DatasetSplit, subset } from '@fmnist/core';
import { loadDataset } from '@fmnist/core/node';
import { toOrtTensor } from '@fmnist/onnx';
import { formatJson, formatProgress, type ParityRecord, PLAN } from '@fmnist-examples/baseline-kit';
import {
  peakRssMB,
  writeFileAtomically,
  writeModelFiles,
} from '@fmnist-examples/baseline-kit/node';
import {
  exportForOnnx,
  MODEL_ZOO,
  serializeModel,
  type ZooModelName,
} from '@fmnist-examples/baseline-kit/tfjs';
import { runTfjsBaseline } from '@fmnist-examples/tfjs-baseline';
import { selectNodeBackend } from '@fmnist-examples/tfjs-baseline/node';
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';

const here = path.dirname(fileURLToPath(import.meta.url));
const modelsDir = path.resolve(here, '../models');

/** The committed file name of each zoo model. */
const FILES = { mlp: 'mlp-64', cnn: 'cnn-tiny' } as const satisfies Record<string, ZooModelName>;
const LEARNING_RATE = 0.002;

const committed = PLAN.committed;
const program = new Command()
  .name('make-models')
  .option('--only <kind>', 'mlp or cnn (default: both)')
  .option(
    '--epochs <n>',
    `epochs (default, from the kit's PLAN.committed: mlp ${committed['mlp-64'].epochs}, cnn ${committed['cnn-tiny'].epochs})`,
    Number,
  )
  .option('--seed <n>', 'seed', Number, 42)
  .option('--train-samples <n>', 'use the first N training images', Number)
  .parse();
const opts = program.opts<{
  only?: 'mlp' | 'cnn';
  epochs?: number;
  seed: number;
  trainSamples?: number;
}>();

const backend = await selectNodeBackend('wasm');
ortWeb.env.wasm.numThreads = 1;
const [train, test] = await Promise.all([
  loadDataset({ split: 'train' }),
  loadDataset({ split: 'test' }),
]);

for (const kind of opts.only ? [opts.only] : (['mlp', 'cnn'] as const)) {
  const name = FILES[kind];
  const epochs = opts.epochs ?? committed[name].epochs;
  console.log(`\n${name}: training ${epochs} epochs (tfjs ${backend.backend})`);
  const { result, model } = await runTfjsBaseline({
    model: name,
    train,
    test,
    runtime: 'node',
    backend: backend.backend,
    device: backend.device,
    epochs,
    trainSamples: opts.trainSamples ?? committed[name].trainSamples ?? undefined,
    seed: opts.seed,
    learningRate: LEARNING_RATE,
    peakRssMB,
    onProgress: (p) => {
      if (p.phase === 'epoch' || p.phase === 'done') console.log(`  ${formatProgress(p)}`);
    },
  });
  try {
    // The tfjs source of the CNN is kept so test/parity.test.ts can re-check the export on all
    // test images; the MLP's (200 KB more) is not: its parity is recorded in mlp.json and the
    // exporter's MLP path is checked on all 10,000 images in packages/onnx.
    if (kind === 'cnn') {
      await writeModelFiles(path.join(modelsDir, `${kind}.tfjs`), await serializeModel(model));
    }
    const exported = await exportForOnnx(model, result, {
      generatedBy: 'examples/onnx-baseline/scripts/make-models.ts',
      description: MODEL_ZOO[name].description,
      docString: `${name}: ${MODEL_ZOO[name].description}. Fashion-MNIST, pixels / 255.`,
      classNames: test.classNames,
    });
    const parity = await checkParity(exported.bytes, predictTfjs(model, test), test);
    for (const r of parity.runtimes) {
      console.log(
        `  ${r.runtime}: argmax agreement ${(r.argmaxAgreement * 100).toFixed(2)}%, max |diff| ${r.maxAbsDiff.toExponential(2)}`,
      );
      if (r.argmaxAgreement !== 1 || r.maxAbsDiff > 1e-4) {
        throw new Error(`${r.runtime} disagrees with tfjs: not writing ${kind}.onnx`);
      }
    }
    const metadata = { ...exported.metadata, parity };
    await writeFileAtomically(path.join(modelsDir, `${kind}.onnx`), exported.bytes);
    await writeFileAtomically(path.join(modelsDir, `${kind}.json`), formatJson(metadata));
    console.log(
      `  wrote models/${kind}.onnx (${exported.bytes.byteLength} bytes), ${kind}.json${kind === 'cnn' ? ', cnn.tfjs/' : ''}`,
    );
  } finally {
    model.dispose();
  }
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
