// The baseline contract run against runBrainBaseline (CPU NeuralNetwork) on generated data.
import { describeBaselineContract } from '@fmnist-examples/baseline-kit/contract';
import { loadBrain } from '../src/loadBrain.ts';
import { runBrainBaseline } from '../src/train.ts';

const loaded = loadBrain();

describeBaselineContract({
  name: 'brain.js (mlp-16, cpu)',
  trains: true,
  run: async (options) => {
    const { brain, version } = await loaded;
    return runBrainBaseline({
      ...options,
      brain,
      frameworkVersion: version,
      runtime: 'node',
      device: 'cpu',
      hiddenLayers: [16],
      chunkSize: 40,
    });
  },
});
