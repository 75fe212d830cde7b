// Assembling the ONNX model of a tfjs Layers model: input, the layer chain, output and model fields.
import {
  captureArtifacts,
  readWeights,
  type SavableLayersModel,
  type TfjsModelArtifacts,
} from './artifacts.ts';
import { fail } from './fail.ts';
import { GraphBuilder, toFlat, toNhwc, type Value } from './graph.ts';
import { convertLayer } from './layers/index.ts';
import { encodeOnnxModel, OnnxDataType, type OnnxModel } from './onnxModel.ts';
import type { ExportOnnxOptions, OnnxInputLayout } from './options.ts';
import { product } from './shape.ts';
import { findInputShape, parseTopology, topologyLayers } from './topology.ts';

const PRODUCER_NAME = '@fmnist/onnx';
const PRODUCER_VERSION = '0.0.0';
const IR_VERSION = 8;

/**
 * Exports a live tfjs `LayersModel` (for example `tf.sequential()`) to `.onnx` bytes. It captures
 * the model's save artifacts in memory (the same route as `tf.io.withSaveHandler`), so nothing is
 * written and tfjs itself is not imported here.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a layer or option the exporter does not support.
 */
export async function exportLayersModel(
  model: SavableLayersModel,
  options: ExportOnnxOptions = {},
): Promise<Uint8Array> {
  return exportTfjsToOnnx(await captureArtifacts(model), options);
}

/**
 * Converts a tfjs Layers model (Sequential, or a functional model whose layers form a single chain)
 * into `.onnx` bytes: IR version 8, default-domain opset 13 unless asked otherwise, float32 weights
 * as initializers and a dynamic batch dimension.
 *
 * Supported layers: InputLayer, Dense, Conv2D, MaxPooling2D, AveragePooling2D,
 * GlobalAveragePooling2D, GlobalMaxPooling2D, BatchNormalization, Flatten, Reshape, Activation,
 * ReLU, LeakyReLU, ELU, Softmax, and Dropout-style layers (identity at inference). Activations:
 * linear, relu, relu6, elu, selu, sigmoid, hardSigmoid, tanh, softmax, logSoftmax, softplus,
 * softsign, swish, mish, gelu, gelu_new.
 *
 * tfjs computes images as NHWC and ONNX convolutions want NCHW: the graph transposes once before
 * the first convolution and back before Flatten, so Flatten's element order (and therefore the
 * Dense weights after it) matches tfjs exactly. With one channel the transposes are free reshapes.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for an unsupported layer, activation, dtype or option.
 */
export function exportTfjsToOnnx(
  artifacts: TfjsModelArtifacts,
  options: ExportOnnxOptions = {},
): Uint8Array {
  return encodeOnnxModel(tfjsToOnnxModel(artifacts, options));
}

/**
 * Like {@link exportTfjsToOnnx} but returns the model as plain data (see `OnnxModel`) instead of
 * bytes, for inspection or further edits before `encodeOnnxModel`.
 */
export function tfjsToOnnxModel(
  artifacts: TfjsModelArtifacts,
  options: ExportOnnxOptions = {},
): OnnxModel {
  if (typeof artifacts !== 'object' || artifacts === null) {
    fail('expected tfjs model artifacts ({ modelTopology, weightSpecs, weightData }).');
  }
  const opset = options.opset ?? 13;
  if (!Number.isInteger(opset) || opset < 13 || opset > 21) {
    fail(`opset must be an integer from 13 to 21, got ${String(opset)}.`);
  }
  const topology = parseTopology(artifacts.modelTopology);
  const weights = readWeights(artifacts);
  const layers = topologyLayers(topology);
  const inputShape = findInputShape(layers);
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? 'output';
  const batchDim: number | string =
    options.batchSize === undefined || options.batchSize === null ? 'batch' : options.batchSize;
  if (typeof batchDim === 'number' && (!Number.isInteger(batchDim) || batchDim < 1)) {
    fail(`batchSize must be a positive integer or null, got ${String(options.batchSize)}.`);
  }

  const g = new GraphBuilder();
  g.reserve(inputName);
  g.reserve(outputName);

  const input = graphInput(inputShape, options);
  let cur: Value = { name: inputName, layout: input.layout, shape: input.logical };
  // A vector model fed images: flatten (in tfjs's NHWC order) before its first layer.
  if (inputShape.length === 1 && input.layout !== 'flat') cur = toFlat(g, cur, 'input/flatten');
  for (const layer of layers) cur = convertLayer(g, layer, cur, weights);
  // The output keeps tfjs's layout so its values line up with model.predict.
  cur = cur.shape.length === 3 ? toNhwc(g, cur) : cur;
  g.rename(cur.name, outputName);
  const outputDims = [batchDim, ...cur.shape];

  const unused = [...weights.keys()].filter((name) => !weights.get(name)?.used);
  if (unused.length > 0) {
    fail(`these weights were not used by any supported layer: ${unused.join(', ')}.`);
  }

  return {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: opset }],
    producerName: PRODUCER_NAME,
    producerVersion: PRODUCER_VERSION,
    docString: options.docString,
    metadata: options.metadata,
    graph: {
      name: options.graphName ?? topology.name ?? 'tfjs_model',
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: [{ name: inputName, elemType: OnnxDataType.FLOAT, dims: input.dims(batchDim) }],
      outputs: [{ name: outputName, elemType: OnnxDataType.FLOAT, dims: outputDims }],
    },
  };
}

/**
 * The logical (tfjs, NHWC) shape of the input without the batch axis, how the ONNX input stores
 * it, and its declared dims.
 */
function graphInput(inputShape: number[], options: ExportOnnxOptions) {
  let logical = inputShape.slice();
  const nativeLayout: OnnxInputLayout = logical.length === 3 ? 'nhwc' : 'flat';
  const layout = options.inputLayout ?? nativeLayout;
  if (!['nhwc', 'nchw', 'flat'].includes(layout)) {
    fail(`inputLayout must be 'nhwc', 'nchw' or 'flat', got ${String(layout)}.`);
  }
  if (logical.length === 1 && layout !== 'flat') {
    const image = options.imageShape ?? (logical[0] === 784 ? ([28, 28, 1] as const) : undefined);
    if (!image || image[0] * image[1] * image[2] !== logical[0]) {
      fail(
        `the model takes vectors of ${logical[0]} values: pass an imageShape [h, w, c] with that many ` +
          `values to export a '${layout}' input.`,
      );
    }
    logical = image.slice();
  } else if (logical.length !== 1 && logical.length !== 3) {
    fail(
      `only vector ([d]) or image ([h, w, c]) inputs are supported, got [${logical.join(', ')}].`,
    );
  }
  const dims = (batchDim: number | string): (number | string)[] => {
    if (layout === 'flat') return [batchDim, product(logical)];
    if (layout === 'nchw') return [batchDim, logical[2], logical[0], logical[1]];
    return [batchDim, ...logical];
  };
  return { layout, logical, dims };
}
