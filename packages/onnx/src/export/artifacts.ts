// tfjs Layers model artifacts: what `model.save` hands over or model.json plus weight files hold, and their weights.
import { concatBytes, FmnistError } from '@fmnist/core';
import { fail } from './fail.ts';
import { product } from './shape.ts';

/** One entry of a tfjs weights manifest (`weightsManifest[].weights[]` or `weightSpecs`). */
export interface TfjsWeightSpec {
  /** `<layer name>/<parameter>`, e.g. `dense_Dense1/kernel`. */
  name: string;
  /** The weight's shape. */
  shape: number[];
  /** Only `'float32'` weights without quantization can be exported. */
  dtype: string;
  /** Present on quantized weights, which the exporter refuses. */
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
  /** The Keras-style topology. */
  modelTopology: unknown;
  /** Weight file groups: the files' `paths` (relative to model.json) and the weights they hold. */
  weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
  /** `'layers-model'` for the models the exporter reads. */
  format?: string;
}

/** A tfjs `LayersModel`, seen only through the method the exporter needs. */
export interface SavableLayersModel {
  /** tfjs's `LayersModel.save`, called with an in-memory save handler. */
  save(handler: {
    // biome-ignore lint/suspicious/noExplicitAny: tfjs passes its own ModelArtifacts type here.
    save(artifacts: any): Promise<{
      modelArtifactsInfo: { dateSaved: Date; modelTopologyType: 'JSON' };
    }>;
  }): Promise<unknown>;
}

/**
 * A live model's save artifacts, captured in memory (the same route as `tf.io.withSaveHandler`),
 * so nothing is written and tfjs itself need not be imported here.
 *
 * @throws FmnistError `INVALID_ARGUMENT` when `model.save` hands over nothing.
 */
export async function captureArtifacts(model: SavableLayersModel): Promise<TfjsModelArtifacts> {
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
  return captured;
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
  return { modelTopology: modelJson.modelTopology, weightSpecs, weightData: concatBytes(parts) };
}

/** One float32 weight read out of `weightData`; `used` marks it as consumed by a layer. */
export interface Weight {
  shape: number[];
  values: Float32Array;
  used: boolean;
}

/** The artifacts' weights by name, each copied into its own aligned `Float32Array`. */
export function readWeights(artifacts: TfjsModelArtifacts): Map<string, Weight> {
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

/**
 * The weight `<layer>/<param>`, marked as used; Keras-converted models may prefix weight names
 * with the model name, so a suffix match is accepted.
 */
export function takeWeight(
  weights: Map<string, Weight>,
  layerName: string,
  param: string,
  expectedRank?: number,
): Weight {
  const key = `${layerName}/${param}`;
  let found = weights.get(key);
  if (!found) {
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

function weightBytes(data: TfjsModelArtifacts['weightData']): Uint8Array {
  if (Array.isArray(data)) return concatBytes(data.map((b) => new Uint8Array(b)));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return fail('weightData must be an ArrayBuffer, a typed array or a list of ArrayBuffers.');
}
