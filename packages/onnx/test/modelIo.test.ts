// A session's declared inputs and outputs, output decoding, and predict.
import { isFmnistError } from '@fmnist/core';
import { contractSplit, thrownBy } from '@fmnist/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportLayersModel } from '../src/export/index.ts';
import {
  classNamesOf,
  decodeOutput,
  describeInputs,
  describeOutputs,
  isProbabilityRows,
  layoutFromDims,
  modelInput,
  predict,
  softmax,
  toOrtTensor,
} from '../src/index.ts';
import { ortNode, ortWeb, sessions, tf, tfReady } from './helpers.ts';

beforeAll(async () => {
  await tfReady();
});

describe('model inputs', () => {
  it('reads names, types, shapes and layouts from both runtimes', async () => {
    const model = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 10 })],
    });
    for (const layout of ['nchw', 'nhwc', 'flat'] as const) {
      const { node, web } = await sessions(await exportLayersModel(model, { inputLayout: layout }));
      for (const session of [node, web]) {
        const input = modelInput(session);
        expect(input).toMatchObject({ name: 'input', isTensor: true, type: 'float32', layout });
        expect(describeInputs(session)).toEqual([input]);
        expect(describeOutputs(session)).toEqual([
          {
            name: 'output',
            isTensor: true,
            type: 'float32',
            dims: ['batch', 10],
            layout: undefined,
          },
        ]);
      }
    }
  });

  it('infers layouts from dims', () => {
    expect(layoutFromDims(['N', 1, 28, 28])).toBe('nchw');
    expect(layoutFromDims([-1, 28, 28, 1])).toBe('nhwc');
    expect(layoutFromDims(['batch', 784])).toBe('flat');
    expect(layoutFromDims([1, 'd'])).toBe('flat');
    expect(layoutFromDims([1, 3, 28, 28])).toBeUndefined();
    expect(layoutFromDims([1, 100])).toBeUndefined();
    expect(layoutFromDims([1, 1, 32, 32], 1024)).toBe('nchw');
    expect(layoutFromDims(undefined)).toBeUndefined();
  });

  it('falls back to names when a runtime gives no metadata', () => {
    const bare = { inputNames: ['a', 'b'], outputNames: ['y'], run: async () => ({}) };
    expect(describeInputs(bare)).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(modelInput(bare)).toEqual({ name: 'a' });
    const none = { inputNames: [], outputNames: [], run: async () => ({}) };
    expect(() => modelInput(none)).toThrow(/no inputs/);
  });
});

describe('decodeOutput', () => {
  const names = ['a', 'b', 'c'];

  it('decodes logits: argmax classes, softmax probabilities, names, confidences', () => {
    const logits = new ortWeb.Tensor(
      'float32',
      new Float32Array([1, 3, 2, -1, -2, -3, 0, 0, 5]),
      [3, 3],
    );
    const decoded = decodeOutput(logits, { classNames: names });
    expect(decoded.kind).toBe('logits');
    expect(Array.from(decoded.classes)).toEqual([1, 0, 2]);
    expect(decoded.names).toEqual(['b', 'a', 'c']);
    expect(decoded.probabilities![1]).toBeCloseTo(
      Math.exp(3) / (Math.exp(1) + Math.exp(3) + Math.exp(2)),
      6,
    );
    expect(decoded.confidences![2]).toBeCloseTo(decoded.probabilities![8], 7);
  });

  it('takes probabilities as they are', () => {
    const probs = new Float32Array([0.2, 0.5, 0.3, 0.9, 0.05, 0.05]);
    const decoded = decodeOutput({ data: probs, dims: [2, 3] });
    expect(decoded.kind).toBe('probabilities');
    expect(decoded.probabilities).toEqual(probs);
    expect(decoded.probabilities).not.toBe(probs);
    expect(Array.from(decoded.classes)).toEqual([1, 0]);
    expect(decodeOutput({ data: probs, dims: [2, 3] }, { kind: 'logits' }).kind).toBe('logits');
  });

  it('accepts [N,1,C] scores and [N] class-id outputs', () => {
    expect(
      Array.from(decodeOutput({ data: new Float32Array([0, 1, 1, 0]), dims: [2, 1, 2] }).classes),
    ).toEqual([1, 0]);
    const ids = new ortNode.Tensor('int64', new BigInt64Array([2n, 0n]), [2]);
    const decoded = decodeOutput(ids, { classNames: names });
    expect(decoded).toMatchObject({ kind: 'classes', count: 2, names: ['c', 'a'] });
  });

  it('rejects outputs that are not one score row per sample', () => {
    const error = thrownBy(() => decodeOutput({ data: new Float32Array(12), dims: [2, 2, 3] }));
    expect(isFmnistError(error, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('softmax, isProbabilityRows and classNamesOf', () => {
    const p = softmax([1000, 1000, -1000, 0], 2, 2);
    expect(Array.from(p)).toEqual([0.5, 0.5, 0, 1]);
    expect(isProbabilityRows(p, 2, 2)).toBe(true);
    expect(isProbabilityRows([0.5, 0.6], 1, 2)).toBe(false);
    expect(classNamesOf([0, 7], ['x'])).toEqual(['x', '?']);
  });
});

describe('predict', () => {
  it('runs a session on a split tensor and decodes it', async () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [784], units: 10, activation: 'softmax' })],
    });
    const split = contractSplit(6);
    const bytes = await exportLayersModel(model, { inputLayout: 'nchw' });
    const session = await ortNode.InferenceSession.create(bytes);
    const decoded = await predict(session, toOrtTensor(split, { Tensor: ortNode.Tensor }), {
      classNames: split.classNames,
    });
    const want = (
      model.predict(
        tf.tensor(toOrtTensor(split, { Tensor: ortNode.Tensor, layout: 'flat' }).data, [6, 784]),
      ) as tf.Tensor
    )
      .argMax(1)
      .dataSync();
    expect(decoded.kind).toBe('probabilities');
    expect(Array.from(decoded.classes)).toEqual(Array.from(want));
    expect(decoded.names).toEqual(classNamesOf(decoded.classes, split.classNames));
  });
});
