// Building an ONNX graph: unique names, nodes, initializers, and moving a value between NHWC, NCHW and flat.
import { fail } from './fail.ts';
import {
  type OnnxAttribute,
  OnnxAttributeType,
  OnnxDataType,
  type OnnxNode,
  type OnnxTensor,
} from './onnxModel.ts';
import type { OnnxInputLayout } from './options.ts';
import { product } from './shape.ts';

/**
 * The value flowing between layers: its ONNX name, the logical tfjs shape (NHWC, no batch axis)
 * and how the ONNX tensor stores it: `'nhwc'` as tfjs does, `'nchw'` transposed for convolutions,
 * or `'flat'` (rank-1 logical shapes, or an image flattened in NHWC order).
 */
export interface Value {
  name: string;
  layout: OnnxInputLayout;
  shape: number[];
}

/** Collects nodes and initializers under names that never collide. */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly names = new Set<string>();

  /** Keeps `name` (a graph input or output) from being handed out. */
  reserve(name: string): void {
    this.names.add(name);
  }

  /** A new name from `base`, made ONNX-safe and suffixed when taken. */
  fresh(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./-]/g, '_') || 'value';
    let name = clean;
    for (let i = 1; this.names.has(name); i++) name = `${clean}_${i}`;
    this.names.add(name);
    return name;
  }

  /** A float32 initializer; returns its name. */
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

  /** A 1-D int64 initializer (shapes for Reshape); returns its name. */
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

  /** A single-output node; returns the output's name. */
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

/** An `INTS` attribute. */
export const ints = (name: string, values: number[]): OnnxAttribute => ({
  name,
  type: OnnxAttributeType.INTS,
  ints: values,
});
/** An `INT` attribute. */
export const int = (name: string, value: number): OnnxAttribute => ({
  name,
  type: OnnxAttributeType.INT,
  i: value,
});
/** A `FLOAT` attribute. */
export const float = (name: string, value: number): OnnxAttribute => ({
  name,
  type: OnnxAttributeType.FLOAT,
  f: value,
});

/** A float32 scalar initializer; returns its name. */
export function scalar(g: GraphBuilder, name: string, value: number): string {
  return g.floatConst(name, [], new Float32Array([value]));
}

/** A Reshape of `cur` to `[batch, ...dims]`; returns the output's name. */
export function reshape(g: GraphBuilder, cur: Value, dims: number[], base: string): string {
  const shape = g.int64Const(`${base}/shape`, [-1, ...dims]);
  return g.node('Reshape', [cur.name, shape], base);
}

/** The value as a rank-4 NCHW tensor (convolutions and pooling need this). */
export function toNchw(g: GraphBuilder, cur: Value): Value {
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

/** The value in tfjs's own NHWC layout. */
export function toNhwc(g: GraphBuilder, cur: Value): Value {
  if (cur.layout === 'nhwc') return cur;
  const [h, w, c] = cur.shape;
  let name: string;
  if (cur.layout === 'flat' || c === 1) name = reshape(g, cur, [h, w, c], 'to_nhwc');
  else name = g.node('Transpose', [cur.name], 'to_nhwc', [ints('perm', [0, 2, 3, 1])]);
  return { name, layout: 'nhwc', shape: cur.shape };
}

/** The value as `[N, d]` in tfjs's flatten order (row-major over H, W, C). */
export function toFlat(g: GraphBuilder, cur: Value, base = 'flatten'): Value {
  if (cur.layout === 'flat') return { ...cur, shape: [product(cur.shape)] };
  const source = cur.layout === 'nchw' && cur.shape[2] !== 1 ? toNhwc(g, cur) : cur;
  const name = g.node('Flatten', [source.name], base, [int('axis', 1)]);
  return { name, layout: 'flat', shape: [product(cur.shape)] };
}

/** Maps a tfjs axis of the logical NHWC tensor (with batch axis) to the stored layout's axis. */
export function storedAxis(cur: Value, axis: number): number {
  const rank = cur.shape.length + 1;
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(`axis ${axis} is out of range for rank ${rank}.`);
  if (cur.layout === 'nchw') return [0, 2, 3, 1][a];
  return a;
}
