import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TfjsModelJson } from '@fmnist/onnx';
import * as tf from '@tensorflow/tfjs';

/** Weight file name inside a saved model folder. */
export const WEIGHTS_FILE = 'weights.bin';

/**
 * Saves a model in the standard tfjs layers format (`model.json` + `weights.bin`) into `dir`,
 * through an in-memory save handler (tfjs's `file://` handler needs tfjs-node, which does not
 * install here). `tf.loadLayersModel` and `@fmnist/onnx`'s `tfjsArtifactsFromFiles` read it.
 */
export async function saveTfjsModel(model: tf.LayersModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []));
      const json: TfjsModelJson & Record<string, unknown> = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(path.join(dir, 'model.json'), `${JSON.stringify(json)}\n`);
      await writeFile(path.join(dir, WEIGHTS_FILE), weights);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** Reads a saved tfjs layers model (see {@link saveTfjsModel}) back into tfjs. */
export async function loadTfjsModel(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as TfjsModelJson;
  const parts = await Promise.all(
    json.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(path.join(dir, p))),
  );
  const weights = Buffer.concat(parts);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology as object,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
}
