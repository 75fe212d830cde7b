// The shared adapter contract, run against the brain.js adapter.
import { describeAdapterContract } from '@fmnist/test-utils';
import { decodeClasses, toBrainTrainingSet, trainingChunksAsync } from '../src/index.ts';

/** Reads the one-hot outputs of a brain.js training set back as class ids. */
function labelsOf(data: { output: ArrayLike<number> | Readonly<Record<string, number>> }[]) {
  return decodeClasses(data.map((datum) => datum.output));
}

/** Concatenates the inputs (views on one buffer) back into one array of pixels. */
function pixelsOf(data: { input: ArrayLike<number> }[]): Float32Array {
  const size = data.length === 0 ? 0 : data[0].input.length;
  const pixels = new Float32Array(data.length * size);
  for (const [i, datum] of data.entries()) pixels.set(datum.input, i * size);
  return pixels;
}

describeAdapterContract({
  name: 'brain.js',
  async convert(split, { normalize }) {
    const data = toBrainTrainingSet(split, { normalize });
    return {
      count: data.length,
      pixels: pixelsOf(data),
      labels: labelsOf(data),
      shape: [data.length, data.length === 0 ? 0 : data[0].input.length],
    };
  },
  // An async generator, so a bad split surfaces when iterated, as the suite expects.
  async *batches(split, options) {
    const { batchSize, ...rest } = options;
    for await (const chunk of trainingChunksAsync(split, { ...rest, chunkSize: batchSize })) {
      yield { pixels: chunk.inputs, labels: labelsOf(chunk.data) };
    }
  },
  decode: async (scores, count, numClasses) => decodeClasses(scores, count, numClasses),
});
