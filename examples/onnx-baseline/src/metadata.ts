import type { BaselineResult, Layout, Normalize } from '@fmnist/core';

/** How a committed model was trained (the tfjs run that produced its weights). */
export interface TrainingRecord {
  /** Framework that trained it, e.g. `'tfjs'`. */
  framework: string;
  frameworkVersion: string;
  /** Training backend, e.g. `'wasm'`. */
  backend: string;
  device: 'gpu' | 'cpu';
  runtime: 'node' | 'browser';
  seed: number;
  trainSamples: number;
  epochs: number;
  batchSize: number;
  optimizer: string;
  learningRate: number;
  trainSeconds: number;
  trainSamplesPerSecond: number;
  /** Test accuracy of the tfjs model before export. */
  testAccuracy: number;
  /** Number of trainable weights. */
  parameters: number;
}

/**
 * The training record of a model, taken from the result JSON of the tfjs run that trained it.
 * One place for this mapping: the export script and the comparison (Node and browser) use it.
 */
export function trainingRecord(result: BaselineResult): TrainingRecord {
  return {
    framework: result.framework,
    frameworkVersion: result.frameworkVersion,
    backend: result.backend,
    device: result.device,
    runtime: result.runtime,
    seed: result.seed,
    trainSamples: result.trainSamples,
    epochs: result.epochs,
    batchSize: Number(result.batchSize),
    optimizer: String(result.optimizer),
    learningRate: Number(result.learningRate),
    trainSeconds: result.trainSeconds,
    trainSamplesPerSecond: result.trainSamplesPerSecond,
    testAccuracy: result.testAccuracy,
    parameters: Number(result.parameters),
  };
}

/** How the exported ONNX model compares with the tfjs model it came from. */
export interface ParityRecord {
  /** Test images compared. */
  images: number;
  /** Per onnxruntime: share of images with the same argmax, and the largest output difference. */
  runtimes: { runtime: string; argmaxAgreement: number; maxAbsDiff: number }[];
}

/**
 * The JSON saved next to a model (`models/cnn.onnx` -> `models/cnn.json`): what the model expects
 * and how it was made. Optional for `--model`: without it, training fields are null and the
 * input is read from the model itself with `'scale'` normalization.
 */
export interface ModelMetadata {
  /** Short model name for the result JSON, e.g. `'cnn-tiny'`. */
  model: string;
  description?: string;
  /** Dataset the model was trained on. */
  dataset: string;
  classNames?: string[];
  /** Pixel normalization the model was trained with. */
  normalize: Normalize;
  input?: { name: string; dims: (number | string)[]; layout: Layout };
  output?: { name: string; dims: (number | string)[]; kind: 'probabilities' | 'logits' };
  training: TrainingRecord | null;
  parity?: ParityRecord | null;
  /** sha256 of the `.onnx` file this describes. */
  onnxSha256?: string;
  generatedBy?: string;
}

/** The metadata file name that belongs to a model file: the same path with `.json`. */
export function metadataPathFor(modelPath: string): string {
  return modelPath.replace(/\.onnx$/i, '') + '.json';
}

/**
 * JSON as the repository's formatter (biome, line width 100) prints it: two-space indentation,
 * with arrays of plain values on one line when that line fits, so regenerated metadata files
 * pass the lint unchanged.
 */
export function formatJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2);
  const collapsed = text.replace(
    /^( *)([^\n[]*)\[\n((?: *(?:"(?:[^"\\]|\\.)*"|-?[\d.eE+-]+|true|false|null),?\n)+) *\]/gm,
    (whole, indent: string, head: string, body: string) => {
      const items = body
        .split('\n')
        .map((line) => line.trim().replace(/,$/, ''))
        .filter(Boolean);
      const line = `${indent}${head}[${items.join(', ')}]`;
      return line.length + 1 <= 100 ? line : whole;
    },
  );
  return `${collapsed}\n`;
}
