// Made-up rows and reports for the fast tests.
import type { CompareReport } from '../src/report.ts';
import type { BaselineId, CompareRow } from '../src/rows.ts';

/** A diagonal-heavy confusion matrix over `n` test images with the given accuracy. */
export function fakeConfusion(accuracy: number, n = 1000, classes = 10): number[][] {
  const perClass = n / classes;
  return Array.from({ length: classes }, (_, t) =>
    Array.from({ length: classes }, (_, p) => {
      const right = Math.round(perClass * accuracy);
      if (p === t) return right;
      // Every miss goes to the next class: easy to reason about in tests.
      return p === (t + 1) % classes ? perClass - right : 0;
    }),
  );
}

/** A complete fake row; `patch` overrides any field. */
export function fakeRow(baseline: BaselineId, patch: Partial<CompareRow> = {}): CompareRow {
  const accuracy = patch.testAccuracy ?? 0.85;
  const testSamples = patch.testSamples ?? 1000;
  const framework = baseline.startsWith('tfjs')
    ? 'tfjs'
    : baseline.startsWith('onnx')
      ? 'onnxruntime-node'
      : 'brain.js';
  const inference = baseline.startsWith('onnx');
  const row: CompareRow = {
    framework,
    frameworkVersion: '1.0.0',
    runtime: 'node',
    backend: framework === 'tfjs' ? 'wasm' : 'cpu',
    device: 'cpu',
    dataset: 'fashion-mnist',
    model: baseline.endsWith('cnn') ? 'cnn-small' : 'mlp-128',
    seed: 42,
    trainSamples: 10000,
    testSamples,
    epochs: 2,
    testAccuracy: accuracy,
    perClassAccuracy: Array.from({ length: 10 }, (_, i) => Math.min(1, accuracy - 0.2 + i * 0.04)),
    confusionMatrix: fakeConfusion(accuracy, testSamples),
    trainSeconds: 10,
    trainSamplesPerSecond: 2000,
    inferenceImagesPerSecond: 5000,
    peakRssMB: 300,
    baseline,
    label: `${framework} ${baseline}`,
    role: inference ? 'inference' : 'trained',
    ...(inference ? { trainedBy: baseline.replace('onnx', 'tfjs') as BaselineId } : {}),
    ...patch,
  };
  return row;
}

/** Five rows like a quick Fashion-MNIST comparison, with distinct figures per column. */
export function fakeRows(dataset = 'fashion-mnist'): CompareRow[] {
  const shift = dataset === 'mnist' ? 0.1 : 0;
  return [
    fakeRow('tfjs-mlp', {
      dataset,
      testAccuracy: 0.84 + shift,
      trainSeconds: 9.5,
      trainSamplesPerSecond: 2105,
      inferenceImagesPerSecond: 5296,
      peakRssMB: 310,
    }),
    fakeRow('onnx-mlp', {
      dataset,
      testAccuracy: 0.84 + shift,
      inferenceImagesPerSecond: 52000,
      peakRssMB: 150,
      trainSeconds: 9.5,
      trainSamplesPerSecond: 2105,
    }),
    fakeRow('tfjs-cnn', {
      dataset,
      testAccuracy: 0.87 + shift,
      trainSeconds: 53,
      trainSamplesPerSecond: 189,
      inferenceImagesPerSecond: 2285,
      peakRssMB: 420,
    }),
    fakeRow('onnx-cnn', {
      dataset,
      testAccuracy: 0.87 + shift,
      inferenceImagesPerSecond: 9000,
      peakRssMB: 160,
      trainSeconds: 53,
      trainSamplesPerSecond: 189,
    }),
    fakeRow('brain-mlp', {
      dataset,
      model: 'mlp-64',
      testAccuracy: 0.8 + shift,
      trainSeconds: 20,
      trainSamplesPerSecond: 1500,
      inferenceImagesPerSecond: 4000,
      peakRssMB: 250,
    }),
  ];
}

/** A whole fake report around {@link fakeRows}. */
export function fakeReport(
  datasets: ('fashion-mnist' | 'mnist')[] = ['fashion-mnist'],
): CompareReport {
  return {
    format: 1,
    date: '2025-01-01T00:00:00.000Z',
    command: 'pnpm start --quick',
    settings: {
      mode: 'quick',
      datasets,
      baselines: ['tfjs-mlp', 'onnx-mlp', 'tfjs-cnn', 'onnx-cnn', 'brain-mlp'],
      trainSamples: 10000,
      testSamples: null,
      epochs: { 'tfjs-mlp': 2, 'tfjs-cnn': 2, 'brain-mlp': 3 },
      seed: 42,
      normalize: 'scale',
    },
    machine: {
      cpuModel: 'Test CPU',
      cores: 2,
      memoryGB: 23.4,
      platform: 'linux',
      arch: 'x64',
      nodeVersion: 'v20.0.0',
    },
    durationSeconds: 200,
    results: datasets.flatMap((d) => fakeRows(d)),
    references: [],
    data: {},
  };
}
