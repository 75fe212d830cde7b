import { FmnistError } from '@fmnist/core';
import {
  encodeOnnxModel,
  type OnnxAttribute,
  OnnxAttributeType,
  OnnxDataType,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
} from './onnxModel.ts';

/** One entry of a tfjs weights manifest (`weightsManifest[].weights[]` or `weightSpecs`). */
export interface TfjsWeightSpec {
  /** `<layer name>/<parameter>`, e.g. `dense_Dense1/kernel`. */
  name: string;
  shape: number[];
  /** Only `'float32'` weights without quantization can be exported. */
  dtype: string;
  quantization?: unknown;
}

/**
 * A tfjs Layers model as saved by `model.save(...)`: what a `tf.io.withSaveHandler` callback
 * receives, or `model.json` plus its concatenated weight files (see {@link tfjsArtifactsFromFiles}).
 */
export interface TfjsModelArtifacts {
  /** The Keras-style topology (`model.json`'s `modelTopology`). */
  modelTopology: unknown;
  /** Weight names, shapes and dtypes, in the order their bytes appear in `weightData`. */
  weightSpecs: TfjsWeightSpec[];
  /** The weight bytes; tfjs >= 4.13 may hand over a list of buffers, which are concatenated. */
  weightData: ArrayBuffer | ArrayBufferView | ArrayBuffer[];
}

/** A saved `model.json` (tfjs `layers-model` format). */
export interface TfjsModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
  format?: string;
}

/** Layout of the exported model's image input. */
export type OnnxInputLayout = 'nhwc' | 'nchw' | 'flat';

/** Options for {@link exportTfjsToOnnx}. */
export interface ExportOnnxOptions {
  /**
   * Layout of the ONNX input. Default: the tfjs model's own (`'nhwc'`, `[N,28,28,1]`, for an image
   * input; `'flat'`, `[N,784]`, for a vector input). `'nchw'` gives `[N,1,28,28]`, what most ONNX
   * tooling expects; the graph converts internally, so predictions do not change.
   */
  inputLayout?: OnnxInputLayout;
  /**
   * Image shape `[height, width, channels]` for a model whose tfjs input is a flat vector but whose
   * ONNX input should be an image layout. Default `[28, 28, 1]` when the vector has 784 entries.
   */
  imageShape?: readonly [number, number, number];
  /** Name of the graph input. Default `'input'`. */
  inputName?: string;
  /** Name of the graph output. Default `'output'`. */
  outputName?: string;
  /** Fixed batch size for the first dimension; default `null` (symbolic `'batch'`, any size). */
  batchSize?: number | null;
  /**
   * Opset version written to `opset_import`, 13 to 21. Default 13. Every operator emitted here has
   * kept its semantics since opset 13, so this only matters to tools that want a newer opset.
   */
  opset?: number;
  /** `model_version`-style free text stored as the model's `doc_string`. */
  docString?: string;
  /** Extra `metadata_props` (for example class names, training details). */
  metadata?: Record<string, string>;
  /** Graph name. Default: the tfjs model's name. */
  graphName?: string;
}

/** A tfjs `LayersModel`, seen only through the method the exporter needs. */
export interface SavableLayersModel {
  save(handler: {
    // biome-ignore lint/suspicious/noExplicitAny: tfjs passes its own ModelArtifacts type here.
    save(artifacts: any): Promise<{
      modelArtifactsInfo: { dateSaved: Date; modelTopologyType: 'JSON' };
    }>;
  }): Promise<unknown>;
}

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
  let captured: TfjsModelArtifacts | undefined;
  await model.save({
    save: async (artifacts) => {
      captured = artifacts as TfjsModelArtifacts;
      return {
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const },
      };
    },
  });
  if (!captured) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      'exportLayersModel: model.save produced no artifacts.',
    );
  }
  return exportTfjsToOnnx(captured, options);
}

/**
 * Builds {@link TfjsModelArtifacts} from a parsed `model.json` and a reader for its weight files
 * (the `paths` of `weightsManifest`, relative to `model.json`), concatenating the files in
 * manifest order, which is how tfjs lays out `weightData`.
 */
export async function tfjsArtifactsFromFiles(
  modelJson: TfjsModelJson,
  readWeightFile: (path: string) => Promise<ArrayBuffer | Uint8Array> | ArrayBuffer | Uint8Array,
): Promise<TfjsModelArtifacts> {
  if (!modelJson || !Array.isArray(modelJson.weightsManifest) || !modelJson.modelTopology) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      'tfjsArtifactsFromFiles: expected a tfjs layers model.json with modelTopology and weightsManifest.',
    );
  }
  const weightSpecs: TfjsWeightSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const group of modelJson.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const path of group.paths) {
      const data = await readWeightFile(path);
      parts.push(data instanceof Uint8Array ? data : new Uint8Array(data));
    }
  }
  return { modelTopology: modelJson.modelTopology, weightSpecs, weightData: concat(parts) };
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

  // The logical (tfjs, NHWC) shape of the input without the batch axis, and how the ONNX input
  // stores it.
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
  let inputDims: (number | string)[];
  if (layout === 'flat') inputDims = [batchDim, product(logical)];
  else if (layout === 'nchw') inputDims = [batchDim, logical[2], logical[0], logical[1]];
  else inputDims = [batchDim, ...logical];

  let cur: Activation = { name: inputName, layout, shape: logical };
  // A vector model fed images: flatten (in tfjs's NHWC order) before its first layer.
  if (inputShape.length === 1 && layout !== 'flat') cur = toFlat(g, cur, 'input/flatten');
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
      inputs: [{ name: inputName, elemType: OnnxDataType.FLOAT, dims: inputDims }],
      outputs: [{ name: outputName, elemType: OnnxDataType.FLOAT, dims: outputDims }],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Topology and weights

interface LayerJson {
  className: string;
  // biome-ignore lint/suspicious/noExplicitAny: Keras layer configs are free-form JSON.
  config: Record<string, any>;
}

interface Topology {
  name?: string;
  layers: LayerJson[];
}

interface Weight {
  shape: number[];
  values: Float32Array;
  used: boolean;
}

function fail(message: string): never {
  throw new FmnistError('INVALID_ARGUMENT', `exportTfjsToOnnx: ${message}`);
}

function parseTopology(raw: unknown): Topology {
  let json = raw;
  if (json instanceof ArrayBuffer) json = new TextDecoder().decode(json);
  if (typeof json === 'string') json = JSON.parse(json);
  // biome-ignore lint/suspicious/noExplicitAny: Keras topology is free-form JSON.
  let top = json as any;
  // model.json itself, or a topology with the Keras wrapper object.
  if (top?.modelTopology) top = top.modelTopology;
  if (top?.model_config) top = top.model_config;
  const className = top?.class_name ?? top?.className;
  const config = top?.config;
  if (!config) fail('modelTopology has no config: is this a tfjs layers model?');
  // biome-ignore lint/suspicious/noExplicitAny: Keras topology is free-form JSON.
  const rawLayers: any[] = Array.isArray(config) ? config : config.layers;
  if (!Array.isArray(rawLayers)) fail('modelTopology has no layer list.');
  if (className === 'Model' || className === 'Functional') checkChain(rawLayers);
  else if (className !== 'Sequential' && className !== undefined) {
    fail(`model class ${String(className)} is not supported (Sequential or a chain Model).`);
  }
  return {
    name: typeof config.name === 'string' ? config.name : undefined,
    layers: rawLayers.map((layer) => ({
      className: layer.class_name ?? layer.className,
      config: layer.config ?? {},
    })),
  };
}

/** A functional model is accepted when every layer consumes exactly the previous one. */
// biome-ignore lint/suspicious/noExplicitAny: Keras topology is free-form JSON.
function checkChain(layers: any[]): void {
  for (let i = 1; i < layers.length; i++) {
    const inbound = layers[i].inbound_nodes;
    const previous = layers[i - 1].config?.name ?? layers[i - 1].name;
    const sources = Array.isArray(inbound) ? inbound.flat(2) : [];
    const names = sources.filter((x: unknown) => typeof x === 'string');
    if (inbound && (names.length !== 1 || names[0] !== previous)) {
      fail(
        `layer ${String(layers[i].name)} is not fed by the layer before it: only chains export.`,
      );
    }
  }
}

function topologyLayers(topology: Topology): LayerJson[] {
  if (topology.layers.length === 0) fail('the model has no layers.');
  return topology.layers;
}

function findInputShape(layers: LayerJson[]): number[] {
  const config = layers[0].config;
  const shape = config.batch_input_shape ?? config.batchInputShape ?? config.batch_shape;
  const full: (number | null)[] | undefined = shape
    ? shape
    : config.input_shape
      ? [null, ...config.input_shape]
      : undefined;
  if (!full) fail('the first layer declares no input shape (batch_input_shape).');
  const rest = full.slice(1);
  if (rest.some((d) => typeof d !== 'number' || d < 1)) {
    fail(`the input shape must be fully known apart from the batch, got [${full.join(', ')}].`);
  }
  return rest as number[];
}

function readWeights(artifacts: TfjsModelArtifacts): Map<string, Weight> {
  const specs = artifacts.weightSpecs;
  if (!Array.isArray(specs)) fail('weightSpecs must be an array.');
  const data = weightBytes(artifacts.weightData);
  const map = new Map<string, Weight>();
  let offset = 0;
  for (const spec of specs) {
    const count = product(spec.shape);
    if (spec.dtype !== 'float32' || spec.quantization) {
      fail(
        `weight ${spec.name} is ${spec.dtype}${spec.quantization ? ' (quantized)' : ''}: only float32 weights export.`,
      );
    }
    const bytes = count * 4;
    if (offset + bytes > data.byteLength) {
      fail(
        `weightData is too short: weight ${spec.name} needs bytes ${offset}..${offset + bytes}, have ${data.byteLength}.`,
      );
    }
    // Copy into an aligned buffer; weight files are little-endian, like every supported host.
    const values = new Float32Array(count);
    new Uint8Array(values.buffer).set(data.subarray(offset, offset + bytes));
    map.set(spec.name, { shape: spec.shape.slice(), values, used: false });
    offset += bytes;
  }
  if (offset !== data.byteLength) {
    fail(`weightData has ${data.byteLength} bytes but the weight specs describe ${offset}.`);
  }
  return map;
}

function weightBytes(data: TfjsModelArtifacts['weightData']): Uint8Array {
  if (Array.isArray(data)) return concat(data.map((b) => new Uint8Array(b)));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return fail('weightData must be an ArrayBuffer, a typed array or a list of ArrayBuffers.');
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

function takeWeight(
  weights: Map<string, Weight>,
  layerName: string,
  param: string,
  expectedRank?: number,
): Weight {
  const key = `${layerName}/${param}`;
  let found = weights.get(key);
  if (!found) {
    // Keras-converted models may prefix weight names with the model name.
    for (const [name, weight] of weights) {
      if (name.endsWith(`/${key}`)) {
        found = weight;
        break;
      }
    }
  }
  if (!found) fail(`weight ${key} is missing from weightSpecs.`);
  if (expectedRank !== undefined && found.shape.length !== expectedRank) {
    fail(`weight ${key} has shape [${found.shape.join(', ')}], expected rank ${expectedRank}.`);
  }
  found.used = true;
  return found;
}

function product(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

// ---------------------------------------------------------------------------------------------
// Graph building

/**
 * The value flowing between layers: its ONNX name, the logical tfjs shape (NHWC, no batch axis)
 * and how the ONNX tensor stores it: `'nhwc'` as tfjs does, `'nchw'` transposed for convolutions,
 * or `'flat'` (rank-1 logical shapes, or an image flattened in NHWC order).
 */
interface Activation {
  name: string;
  layout: OnnxInputLayout;
  shape: number[];
}

class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly names = new Set<string>();

  reserve(name: string): void {
    this.names.add(name);
  }

  fresh(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./-]/g, '_') || 'value';
    let name = clean;
    for (let i = 1; this.names.has(name); i++) name = `${clean}_${i}`;
    this.names.add(name);
    return name;
  }

  floatConst(base: string, dims: number[], values: Float32Array): string {
    const name = this.fresh(base);
    this.initializers.push({
      name,
      dataType: OnnxDataType.FLOAT,
      dims,
      rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice(),
    });
    return name;
  }

  int64Const(base: string, values: number[]): string {
    const name = this.fresh(base);
    const data = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({
      name,
      dataType: OnnxDataType.INT64,
      dims: [values.length],
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  }

  node(opType: string, inputs: string[], base: string, attributes: OnnxAttribute[] = []): string {
    const output = this.fresh(base);
    this.nodes.push({
      opType,
      inputs,
      outputs: [output],
      name: this.fresh(`${base}/${opType}`),
      attributes,
    });
    return output;
  }

  /** Renames a produced value (the last node's output) to the graph output name. */
  rename(from: string, to: string): void {
    if (from === to) return;
    const producer = this.nodes.find((n) => n.outputs.includes(from));
    if (producer) {
      producer.outputs = producer.outputs.map((o) => (o === from ? to : o));
      return;
    }
    // The input flows straight to the output (a model of identity layers): ONNX needs a node.
    this.nodes.push({
      opType: 'Identity',
      inputs: [from],
      outputs: [to],
      name: this.fresh('output/Identity'),
    });
  }
}

const ints = (name: string, values: number[]): OnnxAttribute => ({
  name,
  type: OnnxAttributeType.INTS,
  ints: values,
});
const int = (name: string, value: number): OnnxAttribute => ({
  name,
  type: OnnxAttributeType.INT,
  i: value,
});
const float = (name: string, value: number): OnnxAttribute => ({
  name,
  type: OnnxAttributeType.FLOAT,
  f: value,
});

function reshape(g: GraphBuilder, cur: Activation, dims: number[], base: string): string {
  const shape = g.int64Const(`${base}/shape`, [-1, ...dims]);
  return g.node('Reshape', [cur.name, shape], base);
}

/** The activation as a rank-4 NCHW tensor (convolutions and pooling need this). */
function toNchw(g: GraphBuilder, cur: Activation): Activation {
  if (cur.shape.length !== 3)
    fail(`a 2-D layer needs an image input, got shape [${cur.shape.join(', ')}].`);
  if (cur.layout === 'nchw') return cur;
  const [h, w, c] = cur.shape;
  let name: string;
  if (c === 1) {
    // One channel: NHWC and NCHW have the same element order.
    name = reshape(g, cur, [1, h, w], 'to_nchw');
  } else {
    const nhwc = cur.layout === 'flat' ? reshape(g, cur, [h, w, c], 'to_nhwc') : cur.name;
    name = g.node('Transpose', [nhwc], 'to_nchw', [ints('perm', [0, 3, 1, 2])]);
  }
  return { name, layout: 'nchw', shape: cur.shape };
}

/** The activation in tfjs's own NHWC layout. */
function toNhwc(g: GraphBuilder, cur: Activation): Activation {
  if (cur.layout === 'nhwc') return cur;
  const [h, w, c] = cur.shape;
  let name: string;
  if (cur.layout === 'flat' || c === 1) name = reshape(g, cur, [h, w, c], 'to_nhwc');
  else name = g.node('Transpose', [cur.name], 'to_nhwc', [ints('perm', [0, 2, 3, 1])]);
  return { name, layout: 'nhwc', shape: cur.shape };
}

/** The activation as `[N, d]` in tfjs's flatten order (row-major over H, W, C). */
function toFlat(g: GraphBuilder, cur: Activation, base = 'flatten'): Activation {
  if (cur.layout === 'flat') return { ...cur, shape: [product(cur.shape)] };
  const source = cur.layout === 'nchw' && cur.shape[2] !== 1 ? toNhwc(g, cur) : cur;
  const name = g.node('Flatten', [source.name], base, [int('axis', 1)]);
  return { name, layout: 'flat', shape: [product(cur.shape)] };
}

/** Maps a tfjs axis of the logical NHWC tensor (with batch axis) to the stored layout's axis. */
function storedAxis(cur: Activation, axis: number): number {
  const rank = cur.shape.length + 1;
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(`axis ${axis} is out of range for rank ${rank}.`);
  if (cur.layout === 'nchw') return [0, 2, 3, 1][a];
  return a;
}

function pair(value: unknown, name: string): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    return [value[0], value[1]];
  }
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'number') {
    return [value[0], value[0]];
  }
  return fail(`${name} must be a number or a pair of numbers, got ${JSON.stringify(value)}.`);
}

/** Explicit ONNX pads and output size for a tfjs 'valid' or 'same' window along one axis. */
function window1d(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
  padding: string,
): { before: number; after: number; out: number } {
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'valid') {
    const out = Math.floor((size - effective) / stride) + 1;
    if (out < 1) fail(`a window of ${effective} does not fit an input of ${size}.`);
    return { before: 0, after: 0, out };
  }
  if (padding === 'same') {
    // TensorFlow puts the odd padding element after (bottom/right): ONNX's SAME_UPPER, written
    // out explicitly so runtimes need no auto_pad support.
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + effective - size, 0);
    const before = Math.floor(total / 2);
    return { before, after: total - before, out };
  }
  return fail(`padding '${padding}' is not supported ('valid' or 'same').`);
}

function checkChannelsLast(config: LayerJson['config'], layerName: string): void {
  const format = config.data_format ?? config.dataFormat;
  if (format !== undefined && format !== null && format !== 'channels_last') {
    fail(`layer ${layerName} uses data_format ${String(format)}: only channels_last exports.`);
  }
}

function scalar(g: GraphBuilder, name: string, value: number): string {
  return g.floatConst(name, [], new Float32Array([value]));
}

function activation(g: GraphBuilder, cur: Activation, kind: unknown, base: string): Activation {
  const name =
    typeof kind === 'string' ? kind : kind === null || kind === undefined ? 'linear' : '';
  const unary = (op: string, attributes: OnnxAttribute[] = []): Activation => ({
    ...cur,
    name: g.node(op, [cur.name], `${base}/${op.toLowerCase()}`, attributes),
  });
  switch (name) {
    case 'linear':
      return cur;
    case 'relu':
      return unary('Relu');
    case 'relu6': {
      const lo = g.floatConst(`${base}/min`, [], new Float32Array([0]));
      const hi = g.floatConst(`${base}/max`, [], new Float32Array([6]));
      return { ...cur, name: g.node('Clip', [cur.name, lo, hi], `${base}/relu6`) };
    }
    case 'elu':
      return unary('Elu', [float('alpha', 1)]);
    case 'selu':
      return unary('Selu');
    case 'sigmoid':
      return unary('Sigmoid');
    case 'hardSigmoid':
    case 'hard_sigmoid':
      return unary('HardSigmoid', [float('alpha', 0.2), float('beta', 0.5)]);
    case 'tanh':
      return unary('Tanh');
    case 'softplus':
      return unary('Softplus');
    case 'softsign':
      return unary('Softsign');
    case 'softmax':
      return unary('Softmax', [int('axis', storedAxis(cur, -1))]);
    case 'logSoftmax':
    case 'log_softmax':
      return unary('LogSoftmax', [int('axis', storedAxis(cur, -1))]);
    case 'swish': {
      const s = g.node('Sigmoid', [cur.name], `${base}/sigmoid`);
      return { ...cur, name: g.node('Mul', [cur.name, s], `${base}/swish`) };
    }
    case 'mish': {
      const sp = g.node('Softplus', [cur.name], `${base}/softplus`);
      const t = g.node('Tanh', [sp], `${base}/tanh`);
      return { ...cur, name: g.node('Mul', [cur.name, t], `${base}/mish`) };
    }
    case 'gelu': {
      // x * 0.5 * (1 + erf(x / sqrt(2))), as tfjs computes it.
      const scaled = g.node(
        'Mul',
        [cur.name, scalar(g, `${base}/rsqrt2`, Math.SQRT1_2)],
        `${base}/gelu_in`,
      );
      const erf = g.node('Erf', [scaled], `${base}/erf`);
      const cdf = g.node('Add', [erf, scalar(g, `${base}/one`, 1)], `${base}/cdf`);
      const half = g.node('Mul', [cdf, scalar(g, `${base}/half`, 0.5)], `${base}/half_cdf`);
      return { ...cur, name: g.node('Mul', [cur.name, half], `${base}/gelu`) };
    }
    case 'gelu_new': {
      // 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))), tfjs's tanh approximation.
      const x2 = g.node('Mul', [cur.name, cur.name], `${base}/x2`);
      const x3 = g.node('Mul', [x2, cur.name], `${base}/x3`);
      const cubic = g.node('Mul', [x3, scalar(g, `${base}/c`, 0.044715)], `${base}/cubic`);
      const inner = g.node('Add', [cur.name, cubic], `${base}/inner`);
      const arg = g.node(
        'Mul',
        [inner, scalar(g, `${base}/k`, Math.sqrt(2 / Math.PI))],
        `${base}/arg`,
      );
      const t = g.node('Tanh', [arg], `${base}/tanh`);
      const onePlus = g.node('Add', [t, scalar(g, `${base}/one`, 1)], `${base}/one_plus`);
      const halfX = g.node('Mul', [cur.name, scalar(g, `${base}/half`, 0.5)], `${base}/half_x`);
      return { ...cur, name: g.node('Mul', [halfX, onePlus], `${base}/gelu_new`) };
    }
    default:
      return fail(`activation ${JSON.stringify(kind)} is not supported.`);
  }
}

const IDENTITY_LAYERS = new Set([
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
]);

function convertLayer(
  g: GraphBuilder,
  layer: LayerJson,
  cur: Activation,
  weights: Map<string, Weight>,
): Activation {
  const { className, config } = layer;
  const name: string = config.name ?? className;
  if (className === 'InputLayer' || IDENTITY_LAYERS.has(className)) return cur;
  switch (className) {
    case 'Dense': {
      if (cur.shape.length !== 1) {
        fail(
          `Dense layer ${name} gets a rank-${cur.shape.length + 1} input: add a Flatten before it.`,
        );
      }
      const flat = toFlat(g, cur);
      const kernel = takeWeight(weights, name, 'kernel', 2);
      const [inputs, units] = kernel.shape;
      if (inputs !== flat.shape[0]) {
        fail(`Dense layer ${name} expects ${inputs} inputs but gets ${flat.shape[0]}.`);
      }
      const w = g.floatConst(`${name}/kernel`, kernel.shape, kernel.values);
      const feeds = [flat.name, w];
      if (config.use_bias ?? config.useBias ?? true) {
        const bias = takeWeight(weights, name, 'bias', 1);
        feeds.push(g.floatConst(`${name}/bias`, bias.shape, bias.values));
      }
      const out = g.node('Gemm', feeds, name);
      return activation(g, { name: out, layout: 'flat', shape: [units] }, config.activation, name);
    }
    case 'Conv2D': {
      checkChannelsLast(config, name);
      if ((config.groups ?? 1) !== 1) fail(`Conv2D layer ${name} uses groups: not supported.`);
      const input = toNchw(g, cur);
      const kernel = takeWeight(weights, name, 'kernel', 4);
      const [kh, kw, inC, outC] = kernel.shape;
      if (inC !== input.shape[2]) {
        fail(`Conv2D layer ${name} expects ${inC} channels but gets ${input.shape[2]}.`);
      }
      const [sh, sw] = pair(config.strides ?? 1, 'strides');
      const [dh, dw] = pair(config.dilation_rate ?? config.dilationRate ?? 1, 'dilation_rate');
      const padding = config.padding ?? 'valid';
      const y = window1d(input.shape[0], kh, sh, dh, padding);
      const x = window1d(input.shape[1], kw, sw, dw, padding);
      // tfjs kernels are [kh, kw, in, out]; ONNX wants [out, in, kh, kw].
      const onnxKernel = new Float32Array(kernel.values.length);
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          for (let c = 0; c < inC; c++) {
            for (let o = 0; o < outC; o++) {
              onnxKernel[((o * inC + c) * kh + i) * kw + j] =
                kernel.values[((i * kw + j) * inC + c) * outC + o];
            }
          }
        }
      }
      const feeds = [input.name, g.floatConst(`${name}/kernel`, [outC, inC, kh, kw], onnxKernel)];
      if (config.use_bias ?? config.useBias ?? true) {
        const bias = takeWeight(weights, name, 'bias', 1);
        feeds.push(g.floatConst(`${name}/bias`, bias.shape, bias.values));
      }
      const out = g.node('Conv', feeds, name, [
        ints('kernel_shape', [kh, kw]),
        ints('strides', [sh, sw]),
        ints('dilations', [dh, dw]),
        ints('pads', [y.before, x.before, y.after, x.after]),
        int('group', 1),
      ]);
      return activation(
        g,
        { name: out, layout: 'nchw', shape: [y.out, x.out, outC] },
        config.activation,
        name,
      );
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      checkChannelsLast(config, name);
      const input = toNchw(g, cur);
      const [kh, kw] = pair(config.pool_size ?? config.poolSize ?? 2, 'pool_size');
      const [sh, sw] = pair(config.strides ?? [kh, kw], 'strides');
      const padding = config.padding ?? 'valid';
      const y = window1d(input.shape[0], kh, sh, 1, padding);
      const x = window1d(input.shape[1], kw, sw, 1, padding);
      const attributes = [
        ints('kernel_shape', [kh, kw]),
        ints('strides', [sh, sw]),
        ints('pads', [y.before, x.before, y.after, x.after]),
      ];
      // tfjs averages over the valid (unpadded) elements only, ONNX's count_include_pad = 0.
      if (className === 'AveragePooling2D') attributes.push(int('count_include_pad', 0));
      const op = className === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool';
      const out = g.node(op, [input.name], name, attributes);
      return { name: out, layout: 'nchw', shape: [y.out, x.out, input.shape[2]] };
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D': {
      checkChannelsLast(config, name);
      if (config.keepdims || config.keepDims) fail(`layer ${name}: keepdims is not supported.`);
      const input = toNchw(g, cur);
      const op = className === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool';
      const pooled = g.node(op, [input.name], name);
      const out = g.node('Flatten', [pooled], `${name}/flatten`, [int('axis', 1)]);
      return { name: out, layout: 'flat', shape: [input.shape[2]] };
    }
    case 'Flatten':
      return cur.shape.length === 1 ? cur : toFlat(g, cur, name);
    case 'Reshape': {
      const target: number[] = config.target_shape ?? config.targetShape;
      if (!Array.isArray(target)) fail(`Reshape layer ${name} has no target_shape.`);
      const total = product(cur.shape);
      const known = product(target.filter((d) => d !== -1));
      const resolved = target.map((d) => (d === -1 ? total / known : d));
      if (product(resolved) !== total || resolved.some((d) => !Number.isInteger(d) || d < 1)) {
        fail(
          `Reshape layer ${name} cannot turn [${cur.shape.join(', ')}] into [${target.join(', ')}].`,
        );
      }
      if (resolved.length !== 1 && resolved.length !== 3) {
        fail(`Reshape layer ${name}: only rank-1 or rank-3 targets are supported.`);
      }
      // Reshape works on tfjs's element order, so go through the flat NHWC form.
      const flat = cur.shape.length === 1 ? cur : toFlat(g, cur, `${name}/flatten`);
      if (resolved.length === 1) return { ...flat, shape: resolved };
      return {
        name: reshape(g, flat, resolved, name),
        layout: 'nhwc',
        shape: resolved,
      };
    }
    case 'Activation':
      return activation(g, cur, config.activation, name);
    case 'ReLU': {
      const max = config.max_value ?? config.maxValue;
      if (max === null || max === undefined) return activation(g, cur, 'relu', name);
      const lo = g.floatConst(`${name}/min`, [], new Float32Array([0]));
      const hi = g.floatConst(`${name}/max`, [], new Float32Array([max]));
      return { ...cur, name: g.node('Clip', [cur.name, lo, hi], name) };
    }
    case 'LeakyReLU':
      return {
        ...cur,
        name: g.node('LeakyRelu', [cur.name], name, [float('alpha', config.alpha ?? 0.3)]),
      };
    case 'ELU':
      return { ...cur, name: g.node('Elu', [cur.name], name, [float('alpha', config.alpha ?? 1)]) };
    case 'Softmax': {
      const axis = config.axis ?? -1;
      if (Array.isArray(axis) && axis.length !== 1) fail(`Softmax layer ${name}: one axis only.`);
      const a = Array.isArray(axis) ? axis[0] : axis;
      return {
        ...cur,
        name: g.node('Softmax', [cur.name], name, [int('axis', storedAxis(cur, a))]),
      };
    }
    case 'BatchNormalization': {
      const axisConfig = config.axis ?? -1;
      const axis = Array.isArray(axisConfig) ? axisConfig : [axisConfig];
      const rank = cur.shape.length + 1;
      if (axis.length !== 1 || (axis[0] !== -1 && axis[0] !== rank - 1)) {
        fail(`BatchNormalization layer ${name}: only the channel (last) axis is supported.`);
      }
      const input = cur.shape.length === 3 ? toNchw(g, cur) : cur;
      const channels = input.shape[input.shape.length - 1];
      const param = (key: string, fallback: number): string => {
        const enabled =
          key === 'gamma'
            ? (config.scale ?? true)
            : key === 'beta'
              ? (config.center ?? true)
              : true;
        if (enabled) {
          const w = takeWeight(weights, name, key, 1);
          return g.floatConst(`${name}/${key}`, w.shape, w.values);
        }
        return g.floatConst(
          `${name}/${key}`,
          [channels],
          new Float32Array(channels).fill(fallback),
        );
      };
      const feeds = [
        input.name,
        param('gamma', 1),
        param('beta', 0),
        param('moving_mean', 0),
        param('moving_variance', 1),
      ];
      const out = g.node('BatchNormalization', feeds, name, [
        float('epsilon', config.epsilon ?? 1e-3),
      ]);
      return { ...input, name: out };
    }
    default:
      return fail(`layer ${name} of class ${String(className)} is not supported.`);
  }
}
