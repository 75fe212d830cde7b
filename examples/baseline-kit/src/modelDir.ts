// Model folders on disk: a tfjs model's `model.json` + `weights.bin` written to and read from a folder.
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from './atomicWrite.ts';
import type { ModelFiles } from './tfjs/modelFiles.ts';

/** The files of `files` are written here; `WEIGHTS_FILE` is what the manifest names. */
const MODEL_JSON = 'model.json';

/**
 * Writes a serialised tfjs model (see `serializeModel` in `./tfjs`) as `dir/model.json` and the
 * weights file its manifest names, creating `dir`.
 */
export async function writeModelFiles(dir: string, files: ModelFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  const manifest = JSON.parse(files.modelJson) as { weightsManifest: { paths: string[] }[] };
  const [weightsPath] = manifest.weightsManifest.flatMap((group) => group.paths);
  // Weights first, the manifest last: a model.json on disk always names complete weights.
  await writeFileAtomically(path.join(dir, weightsPath), files.weights);
  await writeFileAtomically(path.join(dir, MODEL_JSON), files.modelJson);
}

/**
 * Reads a saved tfjs model folder (or its `model.json`) back as {@link ModelFiles}: the weight
 * files its manifest lists, concatenated in manifest order (what `deserializeModel` takes).
 */
export async function readModelFiles(dirOrModelJson: string): Promise<ModelFiles> {
  const file = (await stat(dirOrModelJson)).isDirectory()
    ? path.join(dirOrModelJson, MODEL_JSON)
    : dirOrModelJson;
  const modelJson = await readFile(file, 'utf8');
  const manifest = JSON.parse(modelJson) as { weightsManifest: { paths: string[] }[] };
  const parts = await Promise.all(
    manifest.weightsManifest
      .flatMap((group) => group.paths)
      .map((p) => readFile(path.join(path.dirname(file), p))),
  );
  return { modelJson, weights: new Uint8Array(Buffer.concat(parts)) };
}
