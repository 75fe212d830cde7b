// toBrainTrainingSet: zero-copy views, formats, labels, subsets and errors.
import {
  type DatasetSplit,
  FmnistError,
  mnist,
  oneHot,
  shuffledIndices,
  toFloat32,
} from '@fmnist/core';
import { contractSplit, thrownBy } from '@fmnist/test-utils';
import { describe, expect, it } from 'vitest';
import { toBrainTrainingSet } from '../src/index.ts';
import { loadBrainV1, raggedSplit } from './helpers.ts';

const PIXELS = 784;

function expectInvalid(fn: () => unknown, message?: RegExp) {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(FmnistError);
  expect((error as FmnistError).code).toBe('INVALID_ARGUMENT');
  if (message) expect((error as FmnistError).message).toMatch(message);
}

describe('toBrainTrainingSet', () => {
  const split = contractSplit(23);

  it('hands out Float32Array views on one buffer, no per-sample copies', () => {
    const data = toBrainTrainingSet(split);
    expect(data).toHaveLength(23);
    const inputBuffer = (data[0].input as Float32Array).buffer;
    const outputBuffer = (data[0].output as Float32Array).buffer;
    expect(inputBuffer.byteLength).toBe(23 * PIXELS * 4);
    expect(outputBuffer.byteLength).toBe(23 * 10 * 4);
    data.forEach((datum, i) => {
      const input = datum.input as Float32Array;
      const output = datum.output as Float32Array;
      expect(input).toBeInstanceOf(Float32Array);
      expect(input.buffer).toBe(inputBuffer);
      expect(input.byteOffset).toBe(i * PIXELS * 4);
      expect(input.length).toBe(PIXELS);
      expect(output.buffer).toBe(outputBuffer);
      expect(output.length).toBe(10);
    });
  });

  it('matches core toFloat32 and oneHot for every normalization', () => {
    for (const normalize of ['scale', 'standardize', 'none'] as const) {
      const data = toBrainTrainingSet(split, { normalize });
      const input = data[0].input as Float32Array;
      const all = new Float32Array(input.buffer, input.byteOffset, 23 * PIXELS);
      expect(all).toEqual(toFloat32(split.images, { normalize }));
      const output = data[0].output as Float32Array;
      expect(new Float32Array(output.buffer, output.byteOffset, 230)).toEqual(oneHot(split.labels));
    }
  });

  it("standardizes with the split's own dataset statistics", () => {
    const digits: DatasetSplit = { ...split, dataset: mnist.id, classNames: mnist.classNames };
    const data = toBrainTrainingSet(digits, { normalize: 'standardize' });
    const expected = toFloat32(digits.images.subarray(0, PIXELS), {
      normalize: 'standardize',
      dataset: 'mnist',
    });
    expect(data[0].input).toEqual(expected);
    expect(data[0].input).not.toEqual(
      toFloat32(digits.images.subarray(0, PIXELS), { normalize: 'standardize' }),
    );
  });

  it('shuffles in the order of core shuffledIndices, still on one buffer', () => {
    const data = toBrainTrainingSet(split, { shuffle: true, seed: 7 });
    const order = shuffledIndices(23, 7);
    const first = data[0].input as Float32Array;
    data.forEach((datum, i) => {
      const source = order[i];
      expect((datum.input as Float32Array).buffer).toBe(first.buffer);
      expect(datum.input).toEqual(
        toFloat32(split.images.subarray(source * PIXELS, (source + 1) * PIXELS)),
      );
      expect(Array.from(datum.output as Float32Array).indexOf(1)).toBe(split.labels[source]);
    });
    expect(toBrainTrainingSet(split, { shuffle: true, seed: 7 })[5].input).toEqual(data[5].input);
  });

  it('takes a subset by count or by core subset options', () => {
    expect(toBrainTrainingSet(split, { subset: 5 })).toHaveLength(5);
    expect(toBrainTrainingSet(split, { subset: 500 })).toHaveLength(23);
    const picked = toBrainTrainingSet(split, { subset: { indices: [4, 2] } });
    expect(picked[0].input).toEqual(toFloat32(split.images.subarray(4 * PIXELS, 5 * PIXELS)));
    expect(toBrainTrainingSet(split, { subset: { start: 20 } })).toHaveLength(3);
    expectInvalid(() => toBrainTrainingSet(split, { subset: -1 }));
    expectInvalid(() => toBrainTrainingSet(split, { subset: { start: 30 } }));
  });

  it('gives class-name hashes, one shared frozen object per class', () => {
    const data = toBrainTrainingSet(split, { labels: 'class-names' });
    data.forEach((datum, i) => {
      expect(datum.output).toEqual({ [split.classNames[split.labels[i]]]: 1 });
      expect(Object.isFrozen(datum.output)).toBe(true);
    });
    const byClass = data.filter((_d, i) => split.labels[i] === split.labels[0]);
    expect(byClass.every((d) => d.output === data[0].output)).toBe(true);
  });

  it('gives dense class-name hashes with every class in class order', () => {
    const data = toBrainTrainingSet(split, { labels: 'class-names', hashOutputs: 'dense' });
    expect(Object.keys(data[0].output)).toEqual([...split.classNames]);
    expect(Object.values(data[1].output).reduce((a, b) => a + b, 0)).toBe(1);
    expect(data[1].output[split.classNames[split.labels[1]]]).toBe(1);
  });

  it('converts to number[] only for brain.js 1.x', async () => {
    const brain1 = await loadBrainV1();
    for (const target of [brain1, brain1.NeuralNetwork, new brain1.NeuralNetwork(), '1.6.1', 1]) {
      const data = toBrainTrainingSet(split, { subset: 3, brain: target });
      expect(Array.isArray(data[0].input)).toBe(true);
      expect(Array.isArray(data[0].output)).toBe(true);
      expect(data[2].input).toEqual(
        Array.from(toFloat32(split.images.subarray(2 * PIXELS, 3 * PIXELS))),
      );
    }
    const forced = toBrainTrainingSet(split, { subset: 3, brain: brain1, format: 'float32' });
    expect(forced[0].input).toBeInstanceOf(Float32Array);
    const arrays = toBrainTrainingSet(split, { subset: 3, format: 'array' });
    expect(Array.isArray(arrays[0].input)).toBe(true);
    const names = toBrainTrainingSet(split, { subset: 3, brain: '1.6.1', labels: 'class-names' });
    expect(Array.isArray(names[0].input)).toBe(true);
    expect(names[0].output).toEqual({ [split.classNames[split.labels[0]]]: 1 });
  });

  it('rejects a malformed split and bad options with INVALID_ARGUMENT', () => {
    expectInvalid(() => toBrainTrainingSet(raggedSplit()), /images.length/);
    expectInvalid(() => toBrainTrainingSet({ ...split, labels: split.labels.subarray(1) }));
    expectInvalid(() => toBrainTrainingSet(null as unknown as DatasetSplit));
    expectInvalid(() => toBrainTrainingSet(split, { labels: 'names' as unknown as 'class-names' }));
    expectInvalid(() => toBrainTrainingSet(split, { hashOutputs: 'dense' }), /hashOutputs/);
    expectInvalid(() => toBrainTrainingSet(split, { normalize: 'bogus' as 'scale' }));
    expectInvalid(() => toBrainTrainingSet(split, { brain: '3.0.0' }), /not supported/);
    expectInvalid(() => toBrainTrainingSet(split, { brain: {} }), /not brain.js/);
    expectInvalid(() => toBrainTrainingSet(split, { format: 'f64' as 'array' }));
    expectInvalid(() => toBrainTrainingSet(split, { shuffle: true, seed: Number.NaN }));
  });
});
