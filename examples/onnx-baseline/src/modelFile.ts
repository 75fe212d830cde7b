// Model files on disk: an `.onnx` file and the metadata JSON beside it, as the Node CLI reads them.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ModelMetadata } from '@fmnist-examples/baseline-kit';

/** The metadata file name that belongs to a model file: the same path with `.json`. */
export function metadataPathFor(modelPath: string): string {
  return modelPath.replace(/\.onnx$/i, '') + '.json';
}

/** An `.onnx` file's bytes and its metadata (null when there is no metadata file). */
export interface OnnxModelFile {
  model: Uint8Array;
  metadata: ModelMetadata | null;
}

/**
 * Reads a model and its metadata (`metadataPath`, default {@link metadataPathFor}); a missing
 * metadata file gives `metadata: null`, a missing model file throws.
 */
export async function readOnnxModel(
  modelPath: string,
  metadataPath = metadataPathFor(modelPath),
): Promise<OnnxModelFile> {
  const model = new Uint8Array(await readFile(modelPath));
  const metadata = existsSync(metadataPath)
    ? (JSON.parse(await readFile(metadataPath, 'utf8')) as ModelMetadata)
    : null;
  return { model, metadata };
}
