// ONNX models as plain data, and their encoding to and decoding from the protobuf wire format.
import { FmnistError } from '@fmnist/core';
import { onnxModelType } from './onnxProto.ts';

/** ONNX `TensorProto.DataType` codes this package writes or reports. */
export const OnnxDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  DOUBLE: 11,
} as const;

/** ONNX `AttributeProto.AttributeType` codes. */
export const OnnxAttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

/** One dimension of a declared tensor shape: a size, a symbolic name such as `'batch'`, or unknown. */
export type OnnxDim = number | string | null;

/** An ONNX tensor (initializer or constant), as plain data. Values are stored in `rawData`. */
export interface OnnxTensor {
  /** Name the graph refers to it by. */
  name: string;
  /** `TensorProto.DataType` code (see {@link OnnxDataType}). */
  dataType: number;
  /** Shape. */
  dims: number[];
  /** Little-endian element bytes. */
  rawData?: Uint8Array;
  /** Float elements, when a producer stored them in `float_data` instead of `raw_data`. */
  floatData?: number[];
  /** int64 elements from `int64_data`. */
  int64Data?: number[];
  /** int32-family elements from `int32_data`. */
  int32Data?: number[];
}

/** A node attribute, as plain data. Exactly one of the value fields is set, matching `type`. */
export interface OnnxAttribute {
  name: string;
  /** `AttributeProto.AttributeType` code (see {@link OnnxAttributeType}). */
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

/** A graph node, as plain data. */
export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  /** Operator set domain; empty for the default `ai.onnx`. */
  domain?: string;
  attributes?: OnnxAttribute[];
}

/** A graph input or output: name, element type and (possibly symbolic) shape. */
export interface OnnxValueInfo {
  name: string;
  /** `TensorProto.DataType` code (see {@link OnnxDataType}). */
  elemType: number;
  /** Declared shape; `undefined` when the model declares none. */
  dims?: OnnxDim[];
}

/** An ONNX model as plain data: what {@link encodeOnnxModel} writes and {@link decodeOnnxModel} reads. */
export interface OnnxModel {
  /** ONNX IR version (`ModelProto.ir_version`). */
  irVersion: number;
  /** Operator sets; the default domain is `''`. */
  opsetImport: { domain: string; version: number }[];
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  /** `metadata_props`, as a string map. */
  metadata?: Record<string, string>;
  graph: {
    name: string;
    nodes: OnnxNode[];
    initializers: OnnxTensor[];
    inputs: OnnxValueInfo[];
    outputs: OnnxValueInfo[];
  };
}

/**
 * Serializes a model to the ONNX protobuf wire format (`.onnx` file bytes).
 *
 * @throws FmnistError `INVALID_ARGUMENT` when the model has no graph.
 */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  if (!model?.graph) {
    throw new FmnistError('INVALID_ARGUMENT', 'encodeOnnxModel: the model has no graph.');
  }
  const type = onnxModelType();
  const message = type.fromObject({
    irVersion: model.irVersion,
    opsetImport: model.opsetImport,
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    docString: model.docString,
    metadataProps: Object.entries(model.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: model.graph.name,
      node: model.graph.nodes.map((node) => ({
        input: node.inputs,
        output: node.outputs,
        name: node.name,
        opType: node.opType,
        domain: node.domain,
        attribute: node.attributes,
      })),
      initializer: model.graph.initializers,
      input: model.graph.inputs.map(valueInfoToProto),
      output: model.graph.outputs.map(valueInfoToProto),
    },
  });
  return type.encode(message).finish();
}

/**
 * Parses `.onnx` bytes into plain data (the subset of fields {@link OnnxModel} lists; other fields
 * are skipped). Useful to inspect a model's inputs, opset and operators without a runtime.
 *
 * @throws FmnistError `INVALID_ARGUMENT` when the bytes are not an ONNX model.
 */
export function decodeOnnxModel(bytes: Uint8Array | ArrayBuffer): OnnxModel {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const type = onnxModelType();
  // biome-ignore lint/suspicious/noExplicitAny: protobufjs returns untyped objects.
  let raw: any;
  try {
    raw = type.toObject(type.decode(view), { longs: Number, arrays: true, defaults: false });
  } catch (cause) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      'decodeOnnxModel: these bytes are not an ONNX model.',
      {
        cause,
      },
    );
  }
  if (!raw.graph) {
    throw new FmnistError('INVALID_ARGUMENT', 'decodeOnnxModel: the model has no graph.');
  }
  const metadata: Record<string, string> = {};
  for (const { key, value } of raw.metadataProps ?? []) metadata[key ?? ''] = value ?? '';
  const graph = raw.graph;
  return {
    irVersion: raw.irVersion ?? 0,
    opsetImport: (raw.opsetImport ?? []).map((o: { domain?: string; version?: number }) => ({
      domain: o.domain ?? '',
      version: o.version ?? 0,
    })),
    producerName: raw.producerName,
    producerVersion: raw.producerVersion,
    docString: raw.docString,
    metadata,
    graph: {
      name: graph.name ?? '',
      // biome-ignore lint/suspicious/noExplicitAny: protobufjs returns untyped objects.
      nodes: (graph.node ?? []).map((node: any) => ({
        opType: node.opType ?? '',
        inputs: node.input ?? [],
        outputs: node.output ?? [],
        name: node.name,
        domain: node.domain,
        // biome-ignore lint/suspicious/noExplicitAny: protobufjs returns untyped objects.
        attributes: (node.attribute ?? []).map((a: any) =>
          a.t ? { ...a, t: plainTensor(a.t) } : a,
        ),
      })),
      initializers: (graph.initializer ?? []).map(plainTensor),
      inputs: (graph.input ?? []).map(valueInfoFromProto),
      outputs: (graph.output ?? []).map(valueInfoFromProto),
    },
  };
}

/**
 * protobufjs decodes bytes as Node `Buffer` views into one shared pool; copy them into plain,
 * offset-0 `Uint8Array`s so `new Float32Array(tensor.rawData.buffer)` works.
 */
// biome-ignore lint/suspicious/noExplicitAny: protobufjs returns untyped objects.
function plainTensor(tensor: any): OnnxTensor {
  return {
    ...tensor,
    name: tensor.name ?? '',
    dims: tensor.dims ?? [],
    rawData: tensor.rawData ? new Uint8Array(tensor.rawData) : undefined,
  };
}

function valueInfoToProto(info: OnnxValueInfo) {
  return {
    name: info.name,
    type: {
      tensorType: {
        elemType: info.elemType,
        shape: info.dims
          ? {
              dim: info.dims.map((d) =>
                typeof d === 'number'
                  ? { dimValue: d }
                  : typeof d === 'string'
                    ? { dimParam: d }
                    : {},
              ),
            }
          : undefined,
      },
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: protobufjs returns untyped objects.
function valueInfoFromProto(info: any): OnnxValueInfo {
  const tensor = info.type?.tensorType;
  return {
    name: info.name ?? '',
    elemType: tensor?.elemType ?? 0,
    dims: tensor?.shape
      ? // biome-ignore lint/suspicious/noExplicitAny: protobufjs returns untyped objects.
        (tensor.shape.dim ?? []).map((d: any) => d.dimValue ?? d.dimParam ?? null)
      : undefined,
  };
}
