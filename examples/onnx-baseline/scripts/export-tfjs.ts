/**
 * Exports a saved tfjs layers model (for example the one `examples/tfjs-baseline` writes to
 * `results/tfjs-<dataset>-<model>-model/`) to ONNX, with the metadata JSON the ONNX baseline
 * reads next to it. Given the tfjs baseline's result JSON, the metadata carries its training run.
 *
 *   pnpm export-tfjs <model dir or model.json> [--out FILE.onnx] [--result tfjs-result.json]
 *                    [--input-layout nchw|nhwc|flat] [--name NAME]
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BaselineResult, Normalize } from '@fmnist/core';
import {
  decodeOnnxModel,
  exportTfjsToOnnx,
  type OnnxInputLayout,
  type TfjsModelJson,
  tfjsArtifactsFromFiles,
} from '@fmnist/onnx';
import { Command, Option } from 'commander';
import {
  formatJson,
  type ModelMetadata,
  type TrainingRecord,
  trainingRecord,
} from '../src/metadata.ts';

const program = new Command()
  .name('export-tfjs')
  .argument('<model>', 'tfjs model folder or its model.json')
  .option('--out <file>', 'ONNX output (default: <folder>.onnx)')
  .option('--result <file>', "the tfjs baseline's result JSON, for the training fields")
  .option('--name <name>', 'model name for results (default: from the result JSON or the folder)')
  .addOption(
    new Option('--input-layout <layout>', 'ONNX input layout')
      .choices(['nchw', 'nhwc', 'flat'])
      .default('nchw'),
  )
  .addOption(
    new Option('--normalize <mode>', 'pixel normalization the model was trained with')
      .choices(['scale', 'standardize', 'none'])
      .default('scale'),
  )
  .parse();
const opts = program.opts<{
  out?: string;
  result?: string;
  name?: string;
  inputLayout: OnnxInputLayout;
  normalize: Normalize;
}>();

let modelJsonPath = path.resolve(program.args[0]);
if ((await stat(modelJsonPath)).isDirectory())
  modelJsonPath = path.join(modelJsonPath, 'model.json');
const folder = path.dirname(modelJsonPath);
const modelJson = JSON.parse(await readFile(modelJsonPath, 'utf8')) as TfjsModelJson;
const artifacts = await tfjsArtifactsFromFiles(modelJson, (p) => readFile(path.join(folder, p)));

const result: BaselineResult | null = opts.result
  ? JSON.parse(await readFile(opts.result, 'utf8'))
  : null;
const name = opts.name ?? result?.model ?? path.basename(folder);
const dataset: string = result?.dataset ?? 'fashion-mnist';
const onnx = exportTfjsToOnnx(artifacts, {
  inputLayout: opts.inputLayout,
  docString: `${name}, exported from tfjs by @fmnist/onnx`,
  metadata: { model: name, dataset, normalize: opts.normalize },
});
const decoded = decodeOnnxModel(onnx);
const training: TrainingRecord | null = result ? trainingRecord(result) : null;
const metadata: ModelMetadata = {
  model: name,
  dataset,
  normalize: opts.normalize,
  input: {
    name: decoded.graph.inputs[0].name,
    dims: decoded.graph.inputs[0].dims as (number | string)[],
    layout: opts.inputLayout,
  },
  training,
  parity: null,
  onnxSha256: createHash('sha256').update(onnx).digest('hex'),
  generatedBy: 'examples/onnx-baseline/scripts/export-tfjs.ts',
};
const out = path.resolve(opts.out ?? `${folder.replace(/[/\\]$/, '')}.onnx`);
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, onnx);
await writeFile(out.replace(/\.onnx$/i, '') + '.json', formatJson(metadata));
console.log(
  `wrote ${out} (${onnx.byteLength} bytes, input [${metadata.input?.dims.join(', ')}]) and its .json`,
);
