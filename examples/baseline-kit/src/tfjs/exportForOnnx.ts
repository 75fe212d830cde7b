// The tfjs -> ONNX export of a baseline: the model's ONNX bytes plus the metadata JSON beside them.
import type { Normalize } from '@fmnist/core';
import { decodeOnnxModel, exportLayersModel, type OnnxInputLayout } from '@fmnist/onnx/export';
import type * as tf from '@tensorflow/tfjs';
import { sha256Hex } from '../digest.ts';
import { type ModelMetadata, type ParityRecord, trainingRecord } from '../metadata.ts';
import type { BaselineResult } from '../result.ts';

/** Options of {@link exportForOnnx}. */
export interface ExportForOnnxOptions {
  /** Who exported it, recorded as `generatedBy` (e.g. `'examples/compare'`). */
  generatedBy: string;
  /** Layout of the ONNX input. Default `'nchw'` (`[N,1,28,28]`, what most ONNX tooling expects). */
  inputLayout?: OnnxInputLayout;
  /** Class names in label order, for the metadata (and the ONNX `metadata_props`). */
  classNames?: readonly string[];
  /** The architecture in one line (see the zoo's `description`). */
  description?: string;
  /** The model's `doc_string`. Default: `'<name>, exported from tfjs by @fmnist/onnx'`. */
  docString?: string;
  /** Model name. Default `result.model`, else the tfjs model's name. */
  modelName?: string;
  /** Dataset it was trained on. Default `result.dataset`, else `'fashion-mnist'`. */
  dataset?: string;
  /** Pixel normalisation it was trained with. Default `result.normalize`, else `'scale'`. */
  normalize?: Normalize;
  /** Parity with tfjs, where the caller checked it. Default null. */
  parity?: ParityRecord | null;
}

/** What {@link exportForOnnx} returns: nothing is written anywhere. */
export interface OnnxExport {
  /** The `.onnx` file's bytes. */
  bytes: Uint8Array;
  /** The `.json` that belongs beside it (write it with `formatJson`). */
  metadata: ModelMetadata;
}

/**
 * Exports a trained tfjs Layers model to ONNX with the metadata the ONNX baseline reads: the
 * input and output it has, the normalisation, and (from the tfjs baseline's result) how it was
 * trained. In memory, in Node and in a browser; saving the two files is the caller's job.
 *
 * @param result The result of the run that trained `model`, or null when it is not known (the
 *   training record is then null).
 */
export async function exportForOnnx(
  model: tf.LayersModel,
  result: BaselineResult | null,
  options: ExportForOnnxOptions,
): Promise<OnnxExport> {
  const name = options.modelName ?? result?.model ?? model.name;
  const dataset = options.dataset ?? result?.dataset ?? 'fashion-mnist';
  const normalize = options.normalize ?? (result?.normalize as Normalize | undefined) ?? 'scale';
  const layout = options.inputLayout ?? 'nchw';
  const bytes = await exportLayersModel(model, {
    inputLayout: layout,
    docString: options.docString ?? `${name}, exported from tfjs by @fmnist/onnx`,
    metadata: {
      model: name,
      dataset,
      normalize,
      ...(options.classNames ? { classNames: JSON.stringify(options.classNames) } : {}),
    },
  });
  const { graph } = decodeOnnxModel(bytes);
  const [input] = graph.inputs;
  const [output] = graph.outputs;
  const activation = model.layers.at(-1)?.getConfig().activation;
  const metadata: ModelMetadata = {
    model: name,
    ...(options.description ? { description: options.description } : {}),
    dataset,
    ...(options.classNames ? { classNames: [...options.classNames] } : {}),
    normalize,
    input: { name: input.name, dims: input.dims as (number | string)[], layout },
    output: {
      name: output.name,
      dims: output.dims as (number | string)[],
      kind: activation === 'softmax' ? 'probabilities' : 'logits',
    },
    training: result ? trainingRecord(result) : null,
    parity: options.parity ?? null,
    onnxSha256: await sha256Hex(bytes),
    generatedBy: options.generatedBy,
  };
  return { bytes, metadata };
}
