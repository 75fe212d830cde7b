// What a session declares about its inputs and outputs: names, types, shapes and the image layout they imply.
import { FmnistError, type Layout } from '@fmnist/core';
// Types only, from the package every onnxruntime (web, node, react-native) re-exports, so that
// these declarations compile with whichever runtime the user installed.
import type { Tensor } from 'onnxruntime-common';

/**
 * What a session declares about one input or output (onnxruntime >= 1.22's
 * `InferenceSession.ValueMetadata`, written out so that older runtimes' types compile too).
 */
export type OrtValueMetadata =
  | { readonly name: string; readonly isTensor: false }
  | {
      readonly name: string;
      readonly isTensor: true;
      /** Element type, e.g. `'float32'`. */
      readonly type: string;
      /** Declared dims; symbolic ones as strings; empty when the model declares none. */
      readonly shape: readonly (number | string)[];
    };

/**
 * The parts of an onnxruntime `InferenceSession` these helpers read. Sessions of
 * onnxruntime-web, onnxruntime-node and onnxruntime-react-native all fit.
 */
export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Present since onnxruntime 1.22; without it only names are known. */
  readonly inputMetadata?: readonly OrtValueMetadata[];
  readonly outputMetadata?: readonly OrtValueMetadata[];
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
}

/** A model input or output as the session declares it. */
export interface ModelValueInfo {
  /** Name to use as the feed or fetch key. */
  name: string;
  /** Whether it is a tensor (false for sequences/maps); `undefined` when the runtime does not say. */
  isTensor?: boolean;
  /** Element type, e.g. `'float32'`; `undefined` when unknown. */
  type?: string;
  /**
   * Declared shape: numbers for fixed sizes, strings for symbolic ones (such as `'batch'`);
   * `undefined` when the runtime gives no metadata or the model declares no shape.
   */
  dims?: (number | string)[];
  /** The image layout the shape implies (see {@link layoutFromDims}), when it implies one. */
  layout?: Layout;
}

/**
 * All inputs of a session with their declared type, shape and implied layout (from
 * `session.inputMetadata`, onnxruntime >= 1.22; older runtimes give names only).
 */
export function describeInputs(session: OrtSessionLike): ModelValueInfo[] {
  return describe(session.inputNames, session.inputMetadata);
}

/** All outputs of a session, like {@link describeInputs}. */
export function describeOutputs(session: OrtSessionLike): ModelValueInfo[] {
  return describe(session.outputNames, session.outputMetadata);
}

/**
 * The session's image input: the only input, or else the first float input whose shape is an
 * image layout. Its `layout` tells which `toOrtTensor` layout to feed (`undefined` when the model
 * declares no usable shape: then choose one yourself).
 *
 * @throws FmnistError `INVALID_ARGUMENT` when the session has no inputs.
 */
export function modelInput(session: OrtSessionLike): ModelValueInfo {
  const inputs = describeInputs(session);
  if (inputs.length === 0) {
    throw new FmnistError('INVALID_ARGUMENT', 'modelInput: the model has no inputs.');
  }
  if (inputs.length === 1) return inputs[0];
  return (
    inputs.find((i) => i.layout !== undefined && (i.type ?? 'float32') === 'float32') ?? inputs[0]
  );
}

/**
 * The layout an input shape implies for single-channel square-ish images: `[N,1,H,W]` -> `'nchw'`,
 * `[N,H,W,1]` -> `'nhwc'`, `[N,D]` -> `'flat'`; otherwise `undefined`. Symbolic dims (strings,
 * -1) are allowed anywhere except the channel axis. With `pixels` (default 784) a fixed flat size
 * or fixed H*W must match.
 */
export function layoutFromDims(
  dims: readonly (number | string | null)[] | undefined,
  pixels = 784,
): Layout | undefined {
  if (!dims) return undefined;
  const known = (d: number | string | null) => typeof d === 'number' && d > 0;
  if (dims.length === 2) {
    return !known(dims[1]) || dims[1] === pixels ? 'flat' : undefined;
  }
  if (dims.length !== 4) return undefined;
  const area = (h: number | string | null, w: number | string | null) =>
    !known(h) || !known(w) || (h as number) * (w as number) === pixels;
  if (dims[1] === 1 && area(dims[2], dims[3])) return 'nchw';
  if (dims[3] === 1 && area(dims[1], dims[2])) return 'nhwc';
  return undefined;
}

function describe(
  names: readonly string[],
  metadata: readonly OrtValueMetadata[] | undefined,
): ModelValueInfo[] {
  return names.map((name, i) => {
    const meta = metadata?.find((m) => m.name === name) ?? metadata?.[i];
    if (!meta) return { name };
    if (!meta.isTensor) return { name, isTensor: false };
    const dims = meta.shape.length > 0 ? meta.shape.map((d) => d) : undefined;
    return { name, isTensor: true, type: meta.type, dims, layout: layoutFromDims(dims) };
  });
}
