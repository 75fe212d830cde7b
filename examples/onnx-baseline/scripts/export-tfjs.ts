// `pnpm export-tfjs <model dir>`: exports a saved tfjs model to ONNX with the metadata JSON beside it.
/**
 * Exports a saved tfjs layers model (for example the one `examples/tfjs-baseline` writes to
 * `results/tfjs-<dataset>-<model>-model/`) to ONNX with the kit's `exportForOnnx`, with the
 * metadata JSON the ONNX baseline reads next to it. Given the tfjs baseline's result JSON, the
 * metadata carries its training run.
 *
 *   pnpm export-tfjs <model dir or model.json> [--out FILE.onnx] [--result tfjs-result.json]
 *                    [--input-layout nchw|nhwc|flat] [--name NAME]
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Normalize } from '@fmnist/core';
import type { OnnxInputLayout } from '@fmnist/onnx/export';
import { type BaselineResult, formatJson } from '@fmnist-examples/baseline-kit';
import { readModelFiles, writeFileAtomically } from '@fmnist-examples/baseline-kit/node';
import { deserializeModel, exportForOnnx } from '@fmnist-examples/baseline-kit/tfjs';
import { metadataPathFor } from '@fmnist-examples/onnx-baseline/node';
import { Command, Option } from 'commander';

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

const source = path.resolve(program.args[0]);
const folder = (await stat(source)).isDirectory() ? source : path.dirname(source);
// tfjs's default (pure-JS cpu) backend is enough to hold the weights for the export.
const model = await deserializeModel(await readModelFiles(source));
const result: BaselineResult | null = opts.result
  ? JSON.parse(await readFile(opts.result, 'utf8'))
  : null;
const name = opts.name ?? result?.model ?? path.basename(folder);
const { bytes, metadata } = await exportForOnnx(model, result, {
  generatedBy: 'examples/onnx-baseline/scripts/export-tfjs.ts',
  inputLayout: opts.inputLayout,
  modelName: name,
  normalize: opts.normalize,
});
model.dispose();
const out = path.resolve(opts.out ?? `${folder.replace(/[/\\]$/, '')}.onnx`);
await mkdir(path.dirname(out), { recursive: true });
await writeFileAtomically(out, bytes);
await writeFileAtomically(metadataPathFor(out), formatJson(metadata));
console.log(
  `wrote ${out} (${bytes.byteLength} bytes, input [${metadata.input?.dims.join(', ')}]) and its .json`,
);
