// The baseline contract run against runOnnxBaseline, with the committed MLP on generated data.
import path from 'node:path';
import { describeBaselineContract } from '@fmnist-examples/baseline-kit/contract';
import * as ortNode from 'onnxruntime-node';
import { readOnnxModel } from '../src/modelFile.ts';
import { runOnnxBaseline } from '../src/run.ts';

const committed = readOnnxModel(path.resolve(import.meta.dirname, '../models/mlp.onnx'));

describeBaselineContract({
  name: 'onnx (committed mlp-64, onnxruntime-node cpu)',
  trains: false,
  run: async ({ test, signal, onProgress, peakRssMB }) => {
    const { model, metadata } = await committed;
    return runOnnxBaseline({
      ort: ortNode,
      framework: 'onnxruntime-node',
      runtime: 'node',
      executionProviders: ['cpu'],
      model,
      metadata,
      test,
      quick: true,
      minSeconds: 0.01,
      evaluationBatchSize: 10,
      signal,
      onProgress,
      peakRssMB,
    });
  },
});
