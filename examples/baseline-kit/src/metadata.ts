// ONNX model metadata: the JSON beside an exported `.onnx` that says what it expects and how it was trained.
import type { Layout, Normalize } from '@fmnist/core';
import type { BaselineResult } from './result.ts';

/** How a model was trained (the tfjs run that produced its weights). */
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
 * The training record of a model, taken from the result of the tfjs run that trained it. One
 * place for this mapping: `exportForOnnx` uses it for every export.
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
 * and how it was made. Optional for the ONNX baseline: without it, training fields are null and
 * the input is read from the model itself with `'scale'` normalization.
 */
export interface ModelMetadata {
  /** Short model name for the result JSON, e.g. `'cnn-tiny'`. */
  model: string;
  /** The architecture in one line. */
  description?: string;
  /** Dataset the model was trained on. */
  dataset: string;
  /** Class names in label order. */
  classNames?: string[];
  /** Pixel normalization the model was trained with. */
  normalize: Normalize;
  /** The graph input the baseline feeds. */
  input?: { name: string; dims: (number | string)[]; layout: Layout };
  /** The graph output it decodes. */
  output?: { name: string; dims: (number | string)[]; kind: 'probabilities' | 'logits' };
  /** The training run, or null when unknown. */
  training: TrainingRecord | null;
  /** Output agreement with the source model, where it was checked. */
  parity?: ParityRecord | null;
  /** sha256 of the `.onnx` file this describes. */
  onnxSha256?: string;
  /** The program that wrote it. */
  generatedBy?: string;
}
