// The shared adapter contract, run against the tfjs adapter.
import { describeAdapterContract } from '@fmnist/test-utils';
import * as tf from '@tensorflow/tfjs';
import { beforeAll } from 'vitest';
import { decodeClasses, toTensors, toTfDataset } from '../src/index.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describeAdapterContract({
  name: 'tfjs',
  async convert(split, { normalize }) {
    const { xs, ys } = toTensors(split, { normalize, labels: 'int32' });
    return {
      count: xs.shape[0],
      pixels: (await xs.data()) as Float32Array,
      labels: await ys.data(),
      shape: xs.shape,
      dispose: () => tf.dispose([xs, ys]),
    };
  },
  // An async generator, so a bad split surfaces when iterated, as the suite expects.
  async *batches(split, options) {
    const iterator = await toTfDataset(split, { ...options, labels: 'int32' }).iterator();
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
      const { xs, ys } = step.value;
      const batch = { pixels: (await xs.data()) as Float32Array, labels: await ys.data() };
      tf.dispose([xs, ys]);
      yield batch;
    }
  },
  decode: (scores, count, numClasses) => decodeClasses(scores, count, numClasses),
});
