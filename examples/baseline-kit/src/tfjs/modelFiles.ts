// tfjs model files in memory: a layers model as `model.json` + `weights.bin`, and back.
import * as tf from '@tensorflow/tfjs';

/** A tfjs layers model as the two files of the standard format (what `tf.loadLayersModel` reads). */
export interface ModelFiles {
  /** `model.json`: topology, training config and a weights manifest pointing at `weights.bin`. */
  modelJson: string;
  /** `weights.bin`: every weight, float32 little-endian, in manifest order. */
  weights: Uint8Array;
}

/** File name of the weights in {@link ModelFiles}, as listed in the manifest. */
export const WEIGHTS_FILE = 'weights.bin';

/**
 * Serialises a model into the tfjs "layers-model" format without any platform save handler
 * (tfjs's `file://` handler lives in tfjs-node, which is not required here): a custom
 * `tf.io.withSaveHandler` receives the artifacts and this writes the same JSON the official
 * handlers write. `tf.loadLayersModel` (and the ONNX exporter in `@fmnist/onnx`) read it back.
 * Writing the two files is the caller's job (Node: `writeFile`; a page keeps them in memory).
 */
export async function serializeModel(model: tf.LayersModel): Promise<ModelFiles> {
  let files: ModelFiles | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData ?? new ArrayBuffer(0);
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(weightData));
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
      files = { modelJson: JSON.stringify(json), weights };
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs).length,
          weightDataBytes: weights.byteLength,
        },
      };
    }),
  );
  if (!files) throw new Error('serializeModel: the save handler was not called');
  return files;
}

/**
 * The inverse of {@link serializeModel}, from the two files' contents (no fetch or fs needed).
 * A `model.json` whose manifest lists several weight files takes them concatenated in manifest
 * order as `weights`.
 */
export async function deserializeModel(files: ModelFiles): Promise<tf.LayersModel> {
  const json = JSON.parse(files.modelJson) as tf.io.ModelJSON;
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const weights = files.weights;
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs,
      weightData: weights.buffer.slice(
        weights.byteOffset,
        weights.byteOffset + weights.byteLength,
      ) as ArrayBuffer,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      trainingConfig: json.trainingConfig,
    }),
  );
}
