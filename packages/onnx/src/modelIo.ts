import { argmax, FmnistError, type Layout } from '@fmnist/core';
import type { InferenceSession, Tensor } from 'onnxruntime-web';

/**
 * The parts of an onnxruntime `InferenceSession` these helpers read. Sessions of
 * onnxruntime-web, onnxruntime-node and onnxruntime-react-native all fit.
 */
export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Present since onnxruntime 1.22; without it only names are known. */
  readonly inputMetadata?: readonly InferenceSession.ValueMetadata[];
  readonly outputMetadata?: readonly InferenceSession.ValueMetadata[];
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

/** Options for {@link decodeOutput}. */
export interface DecodeOutputOptions {
  /** Names of the classes, e.g. `split.classNames`; fills `names`. */
  classNames?: readonly string[];
  /**
   * What the scores are: `'logits'` (softmax is applied for `probabilities`), `'probabilities'`
   * (used as they are) or `'auto'` (default: rows that are non-negative and sum to 1 within 1e-3
   * are taken as probabilities). The predicted classes do not depend on this.
   */
  kind?: 'auto' | 'logits' | 'probabilities';
}

/** What {@link decodeOutput} returns. */
export interface DecodedOutput {
  /** Number of samples (rows). */
  count: number;
  /** Scores per sample; 0 when the model outputs class ids directly. */
  numClasses: number;
  /** Predicted class id per sample (core `argmax`: ties go to the lowest id). */
  classes: Uint8Array;
  /** Class names of the predictions, when `classNames` was given. */
  names?: string[];
  /** Row-major `count x numClasses` probabilities; absent for class-id outputs. */
  probabilities?: Float32Array;
  /** Probability of each predicted class; absent for class-id outputs. */
  confidences?: Float32Array;
  /** How the scores were read: `'logits'`, `'probabilities'`, or `'classes'` for id outputs. */
  kind: 'logits' | 'probabilities' | 'classes';
}

/** A model output: an `ort.Tensor`, or anything with `data` and `dims`. */
export interface OutputLike {
  data: unknown;
  dims: readonly number[];
  type?: string;
}

/**
 * Turns a classifier's output into class ids (and names, probabilities). Accepts `[N, C]` float
 * scores (logits or probabilities), `[N, 1, C]`-style shapes with one non-batch axis larger than 1,
 * and `[N]` integer outputs of models that already end in ArgMax.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for an output that is not a score matrix or id vector.
 */
export function decodeOutput(output: OutputLike, options: DecodeOutputOptions = {}): DecodedOutput {
  if (!output || !Array.isArray(output.dims) || output.data === undefined) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      'decodeOutput: expected a tensor with data and dims.',
    );
  }
  const dims = output.dims;
  const data = output.data as ArrayLike<number | bigint>;
  if (typeof data !== 'object' || data === null || typeof data.length !== 'number') {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      'decodeOutput: the output has no readable data (a GPU tensor? call getData() first, or use a CPU output location).',
    );
  }
  const count = dims.length === 0 ? 1 : dims[0];
  const names = (classes: Uint8Array) =>
    options.classNames ? classNamesOf(classes, options.classNames) : undefined;

  if (
    dims.length === 1 &&
    data.length === count &&
    !(data instanceof Float32Array || data instanceof Float64Array)
  ) {
    const classes = Uint8Array.from(data as ArrayLike<number | bigint>, (v) => Number(v));
    return { count, numClasses: 0, classes, names: names(classes), kind: 'classes' };
  }
  const numClasses = count === 0 ? 0 : data.length / count;
  if (!Number.isInteger(numClasses) || dims.slice(1).filter((d) => d > 1).length > 1) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `decodeOutput: an output of dims [${dims.join(', ')}] is not one score row per sample.`,
      { details: { dims: [...dims] } },
    );
  }
  const scores =
    data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>, Number);
  const classes = argmax(scores, count, numClasses);
  const kind =
    options.kind === undefined || options.kind === 'auto'
      ? isProbabilityRows(scores, count, numClasses)
        ? 'probabilities'
        : 'logits'
      : options.kind;
  // A copy, so the result outlives the output tensor (predict disposes it).
  const probabilities =
    kind === 'probabilities' ? scores.slice() : softmax(scores, count, numClasses);
  const confidences = new Float32Array(count);
  for (let i = 0; i < count; i++) confidences[i] = probabilities[i * numClasses + classes[i]];
  return {
    count,
    numClasses,
    classes,
    names: names(classes),
    probabilities,
    confidences,
    kind,
  };
}

/**
 * Row-wise softmax of a `count x numClasses` score matrix (numerically stable: the row maximum is
 * subtracted first).
 */
export function softmax(
  scores: ArrayLike<number>,
  count: number,
  numClasses: number,
): Float32Array {
  const out = new Float32Array(count * numClasses);
  for (let r = 0; r < count; r++) {
    const base = r * numClasses;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < numClasses; c++) max = Math.max(max, scores[base + c]);
    let sum = 0;
    for (let c = 0; c < numClasses; c++) {
      const e = Math.exp(scores[base + c] - max);
      out[base + c] = e;
      sum += e;
    }
    for (let c = 0; c < numClasses; c++) out[base + c] /= sum;
  }
  return out;
}

/** True when every row is non-negative and sums to 1 within `tolerance` (default 1e-3). */
export function isProbabilityRows(
  scores: ArrayLike<number>,
  count: number,
  numClasses: number,
  tolerance = 1e-3,
): boolean {
  for (let r = 0; r < count; r++) {
    let sum = 0;
    for (let c = 0; c < numClasses; c++) {
      const v = scores[r * numClasses + c];
      if (!(v >= 0)) return false;
      sum += v;
    }
    if (Math.abs(sum - 1) > tolerance) return false;
  }
  return true;
}

/**
 * Class names for class ids (`'?'` for an id without a name).
 *
 * @example classNamesOf(decoded.classes, test.classNames) // ['Ankle boot', 'Pullover', ...]
 */
export function classNamesOf(classes: ArrayLike<number>, classNames: readonly string[]): string[] {
  return Array.from(classes, (c) => classNames[c] ?? '?');
}

/** Options for {@link predict}. */
export interface PredictOptions extends DecodeOutputOptions {
  /** Feed name. Default: {@link modelInput}'s name. */
  inputName?: string;
  /** Output to decode. Default: the first output. */
  outputName?: string;
}

/**
 * Runs a session on one input tensor and decodes the chosen output (see {@link decodeOutput}).
 * The output tensor is disposed after decoding when the runtime supports `dispose`.
 */
export async function predict(
  session: OrtSessionLike,
  input: Tensor,
  options: PredictOptions = {},
): Promise<DecodedOutput> {
  const inputName = options.inputName ?? modelInput(session).name;
  const outputName = options.outputName ?? session.outputNames[0];
  const results = await session.run({ [inputName]: input });
  const output = results[outputName];
  if (!output) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `predict: the model has no output named ${outputName}.`,
    );
  }
  try {
    return decodeOutput(output, options);
  } finally {
    for (const tensor of Object.values(results)) tensor.dispose?.();
  }
}

function describe(
  names: readonly string[],
  metadata: readonly InferenceSession.ValueMetadata[] | undefined,
): ModelValueInfo[] {
  return names.map((name, i) => {
    const meta = metadata?.find((m) => m.name === name) ?? metadata?.[i];
    if (!meta) return { name };
    if (!meta.isTensor) return { name, isTensor: false };
    const dims = meta.shape.length > 0 ? meta.shape.map((d) => d) : undefined;
    return { name, isTensor: true, type: meta.type, dims, layout: layoutFromDims(dims) };
  });
}
