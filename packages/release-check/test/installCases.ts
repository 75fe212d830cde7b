// What the Verdaccio install test does per package: what a user installs, which frameworks may
// end up in node_modules, and a small TypeScript consumer that is type-checked against the
// installed package and then run on a tiny fixture and on the real test split.
//
// A case runs whenever its folder exists under packages/ (and fails loudly if it does not build);
// a public package without a case here still gets the generic import test, and a test fails
// until it gets its own case.
import type { FrameworkFamily } from '../src/frameworks.ts';
import type { WorkspacePackage } from '../src/workspace.ts';

/** The summary every consumer prints for one split (one JSON line: `{ tiny, real }`). */
export interface SplitSummary {
  count: number;
  /** Shape of the converted images (tensor dims, or `[count, pixels]` for plain arrays). */
  shape: number[];
  /** How many samples of each class, read back from the adapter's label output. */
  labelCounts: number[];
  /** Sum of all converted pixels (scaled to [0, 1]), read back from the adapter's output. */
  pixelSum: number;
}

/** One installation scenario. */
export interface InstallCase {
  /** Folder under packages/. */
  dirName: string;
  /**
   * The case's id, for its project folder and `FMNIST_RELEASE_CHECK_ONLY`, when a package has
   * more than one case. Default `dirName`.
   */
  name?: string;
  /** What the user installs, as in the README's install line. */
  install: string[];
  /** Extra `npm install` flags, as the README gives them (e.g. `--ignore-scripts`). */
  installFlags?: string[];
  /** Framework families allowed in node_modules; any other family's package fails the case. */
  frameworks: FrameworkFamily[];
  /** The consumer's TypeScript source (ESM); it prints `{ tiny, real }` as its last stdout line. */
  consumer: string;
  /** Shape the converted tiny fixture must have, given its sample count. */
  tinyShape: (count: number) => number[];
  /**
   * Packages (path prefixes under node_modules/, e.g. `@tensorflow/`) whose own .d.ts files have
   * type errors under `strict` that we cannot fix. The consumer is type-checked with
   * `skipLibCheck: false`, so errors in our .d.ts files and in the consumer always fail; errors
   * inside these packages only are tolerated (and printed).
   */
  thirdPartyTypeErrors?: string[];
  /** The case checks a binary instead of (or besides) a library summary. */
  bin?: string;
}

/**
 * The start of every library consumer: load a tiny registered fixture dataset and the real test
 * split through the published @fmnist/core, exactly as a user would.
 */
const LOAD = `
import { readFileSync } from 'node:fs';
import {
  type DatasetDescriptor,
  type DatasetSplit,
  loadDataset,
  loadFashionMnist,
  registerDataset,
} from '@fmnist/core/node';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(\`\${name} is not set\`);
  return value;
}
const descriptor = JSON.parse(readFileSync(env('FIXTURE_DESCRIPTOR'), 'utf8')) as DatasetDescriptor;
registerDataset(descriptor);
const tiny: DatasetSplit = await loadDataset({
  dataset: descriptor.id,
  split: 'test',
  dataDir: env('FIXTURE_DIR'),
  cache: false,
});
const real: DatasetSplit = await loadFashionMnist({ split: 'test', dataDir: env('REAL_DIR'), cache: false });

interface SplitSummary { count: number; shape: number[]; labelCounts: number[]; pixelSum: number }
function countLabels(labels: ArrayLike<number | bigint>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[Number(labels[i])]++;
  return counts;
}
function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}
`;

const PRINT = `
console.log(JSON.stringify({ tiny: await summarize(tiny), real: await summarize(real) }));
`;

/**
 * The ONNX consumers' `summarize()`: the split as onnxruntime tensors (NCHW input, int64
 * labels), with `check` (consumer source, may use `input` and `labels`) run before the summary.
 */
function ortSummarize(check = ''): string {
  return `async function summarize(split: DatasetSplit): Promise<SplitSummary> {
  const input = toOrtTensor(split, { Tensor: ort.Tensor, layout: 'nchw' });
  const labels = toOrtLabels(split, { Tensor: ort.Tensor, type: 'int64' });
${check}  return {
    count: input.dims[0],
    shape: [...input.dims],
    labelCounts: countLabels(labels.data, split.classNames.length),
    pixelSum: sum(input.data),
  };
}`;
}

/** onnx-node's check: every predicted class scores the best of a plain JS matmul. */
const PREDICTIONS_MATCH_MATMUL = `  const classes: Uint8Array = await predictClasses(session, input);
  // Each predicted class must score the best (within float32 rounding) in a plain JS matmul.
  for (let n = 0; n < split.count; n++) {
    const scores = Array.from({ length: 10 }, (_, c) => {
      let score = 0;
      for (let p = 0; p < 784; p++) score += input.data[n * 784 + p] * weights[p * 10 + c];
      return score;
    });
    const best = Math.max(...scores);
    if (scores[classes[n]] < best - 1e-3 * (1 + Math.abs(best))) {
      throw new Error(\`sample \${n}: onnxruntime-node predicted \${classes[n]}, scores \${scores}\`);
    }
  }
`;

/** The scenarios, one per package folder. */
export const INSTALL_CASES: readonly InstallCase[] = [
  {
    dirName: 'core',
    install: ['@fmnist/core'],
    frameworks: [],
    tinyShape: (count) => [count, 784],
    consumer: `${LOAD}
import { toFloat32 } from '@fmnist/core';
async function summarize(split: DatasetSplit): Promise<SplitSummary> {
  const pixels: Float32Array = toFloat32(split.images, { normalize: 'scale' });
  return {
    count: split.count,
    shape: [split.count, pixels.length / split.count],
    labelCounts: countLabels(split.labels, split.classNames.length),
    pixelSum: sum(pixels),
  };
}
${PRINT}`,
  },
  {
    dirName: 'tfjs',
    install: ['@fmnist/tfjs', '@tensorflow/tfjs'],
    frameworks: ['tfjs'],
    // tfjs 4.22's own declarations fail `strict` without skipLibCheck (tfjs-layers' PyJsonValue
    // index signatures (TS2411) and LayersModel vs InferenceModel (TS2420), tfjs-core's missing
    // `Long` (TS2304) under `types: ['node']`; the tfjs README lists them): not ours to fix.
    thirdPartyTypeErrors: ['@tensorflow/'],
    tinyShape: (count) => [count, 28, 28, 1],
    consumer: `${LOAD}
import * as tf from '@tensorflow/tfjs';
import { toTensors } from '@fmnist/tfjs';
await tf.setBackend('cpu');
await tf.ready();
async function summarize(split: DatasetSplit): Promise<SplitSummary> {
  const { xs, ys } = toTensors(split);
  const classes = ys.argMax(-1);
  const result = {
    count: xs.shape[0],
    shape: [...xs.shape],
    labelCounts: countLabels(await classes.data(), split.classNames.length),
    pixelSum: sum(await xs.data()),
  };
  tf.dispose([xs, ys, classes]);
  return result;
}
${PRINT}`,
  },
  {
    dirName: 'onnx',
    install: ['@fmnist/onnx', 'onnxruntime-web'],
    frameworks: ['onnx'],
    tinyShape: (count) => [count, 1, 28, 28],
    consumer: `${LOAD}
import * as ort from 'onnxruntime-web';
import { toOrtLabels, toOrtTensor } from '@fmnist/onnx';
${ortSummarize()}
${PRINT}`,
  },
  {
    // A Node user with onnxruntime-node only: the published .d.ts must not need onnxruntime-web
    // (TS2307 without skipLibCheck). onnxruntime-node's postinstall downloads CUDA libraries from
    // NuGet on linux/x64, so the README's offline install is --ignore-scripts (the CPU binary
    // ships in the package); the consumer runs a real session with it.
    dirName: 'onnx',
    name: 'onnx-node',
    install: ['@fmnist/onnx', 'onnxruntime-node'],
    installFlags: ['--ignore-scripts'],
    frameworks: ['onnx'],
    tinyShape: (count) => [count, 1, 28, 28],
    consumer: `${LOAD}
import * as ort from 'onnxruntime-node';
import { modelInput, type OrtSessionLike, predictClasses, toOrtLabels, toOrtTensor } from '@fmnist/onnx';
import { encodeOnnxModel, OnnxDataType } from '@fmnist/onnx/export';
// A linear classifier [N,1,28,28] -> Flatten -> MatMul W[784,10], with fixed weights.
const weights = Float32Array.from({ length: 7840 }, (_, i) => ((i * 7 + (i % 10) * 13) % 17) / 17 - 0.5);
const bytes = encodeOnnxModel({
  irVersion: 8,
  opsetImport: [{ domain: '', version: 13 }],
  graph: {
    name: 'linear',
    nodes: [
      { opType: 'Flatten', inputs: ['x'], outputs: ['flat'] },
      { opType: 'MatMul', inputs: ['flat', 'W'], outputs: ['y'] },
    ],
    initializers: [
      { name: 'W', dataType: OnnxDataType.FLOAT, dims: [784, 10], rawData: new Uint8Array(weights.buffer) },
    ],
    inputs: [{ name: 'x', elemType: OnnxDataType.FLOAT, dims: ['batch', 1, 28, 28] }],
    outputs: [{ name: 'y', elemType: OnnxDataType.FLOAT, dims: ['batch', 10] }],
  },
});
const session: OrtSessionLike = await ort.InferenceSession.create(bytes);
const declared = modelInput(session);
if (declared.layout !== 'nchw') throw new Error(\`modelInput: \${JSON.stringify(declared)}\`);
${ortSummarize(PREDICTIONS_MATCH_MATMUL)}
${PRINT}`,
  },
  {
    dirName: 'brain',
    install: ['@fmnist/brain', 'brain.js'],
    frameworks: ['brain'],
    tinyShape: (count) => [count, 784],
    consumer: `${LOAD}
// brain.js 1.x (npm's \`latest\`) is CommonJS: under Node's ESM its API is the default export,
// and \`import * as brain\` has no \`NeuralNetwork\` at run time (TypeScript does not notice).
import brain from 'brain.js';
import { predictClasses, toBrainTrainingSet } from '@fmnist/brain';
import { evaluate } from '@fmnist/core';
async function summarize(split: DatasetSplit): Promise<SplitSummary> {
  const set = toBrainTrainingSet(split, { brain });
  let pixelSum = 0;
  const labels: number[] = [];
  for (const sample of set) {
    pixelSum += sum(sample.input as ArrayLike<number>);
    const output = Array.from(sample.output as ArrayLike<number>);
    labels.push(output.indexOf(Math.max(...output)));
  }
  return {
    count: set.length,
    shape: [set.length, (set[0].input as ArrayLike<number>).length],
    labelCounts: countLabels(labels, split.classNames.length),
    pixelSum,
  };
}
// The README's flow on the tiny fixture: train briefly with whatever brain.js npm installed.
const net = new brain.NeuralNetwork({ hiddenLayers: [8] });
net.train(toBrainTrainingSet(tiny, { brain }), { iterations: 2 });
const { accuracy } = evaluate(tiny.labels, predictClasses(net, tiny));
if (!(accuracy >= 0 && accuracy <= 1)) throw new Error(\`accuracy is \${accuracy}\`);
${PRINT}`,
  },
  {
    dirName: 'cli',
    install: ['@fmnist/cli'],
    frameworks: [],
    bin: 'fmnist',
    tinyShape: (count) => [count, 784],
    // The programmatic entry; the binary itself is run by the test (see install.test.ts).
    consumer: `${LOAD}
import { ExitCode, run } from '@fmnist/cli';
import { toFloat32 } from '@fmnist/core';
let printed = '';
const code: number = await run(['info', '--json', '--data-dir', env('REAL_DIR')], {
  stdout: { write: (chunk: string) => ((printed += chunk), true) },
});
if (code !== ExitCode.OK) throw new Error(\`fmnist info exited with \${code}\`);
const info = JSON.parse(printed) as { test: { count: number; perClass: number[] } };
async function summarize(split: DatasetSplit): Promise<SplitSummary> {
  const pixels = toFloat32(split.images);
  return {
    count: split === real ? info.test.count : split.count,
    shape: [split.count, pixels.length / split.count],
    labelCounts: split === real ? info.test.perClass : countLabels(split.labels, 10),
    pixelSum: sum(pixels),
  };
}
${PRINT}`,
  },
];

/** A public package without its own case still gets installed and imported (and a test fails). */
export function genericCase(pkg: WorkspacePackage): InstallCase {
  return {
    dirName: pkg.dirName,
    install: [pkg.manifest.name],
    frameworks: [],
    tinyShape: () => [],
    consumer: '',
  };
}

/** A case's id: its `name`, else its package folder. */
export function caseName(testCase: InstallCase): string {
  return testCase.name ?? testCase.dirName;
}
