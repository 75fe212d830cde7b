// The shared adapter vocabulary (decodeClasses, decodeClassNames, decodeOutput, predictClasses,
// predictOutput) and the deprecated names kept for one release.
import { argmax, isFmnistError } from '@fmnist/core';
import { contractSplit, thrownBy } from '@fmnist/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import * as exporter from '../src/export/index.ts';
import * as onnx from '../src/index.ts';
import {
  decodeClasses,
  decodeClassNames,
  decodeOutput,
  predictClasses,
  predictOutput,
  toOrtTensor,
} from '../src/index.ts';
import { ortNode, ortWeb, tf, tfReady } from './helpers.ts';

beforeAll(async () => {
  await tfReady();
});

const scores = Float32Array.from({ length: 30 }, (_, i) => Math.cos(i * 1.7));
const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];

describe('decodeClasses / decodeClassNames / decodeOutput', () => {
  it('equal core argmax for tensors and plain arrays', () => {
    const want = argmax(scores, 3, 10);
    const t = new ortWeb.Tensor('float32', scores, [3, 10]);
    expect(decodeClasses(t)).toEqual(want);
    expect(decodeClasses(scores, 3, 10)).toEqual(want);
    expect(decodeClassNames(t, names)).toEqual(Array.from(want, (c) => names[c]));
    expect(decodeClassNames(scores, names, 3)).toEqual(Array.from(want, (c) => names[c]));
    expect(decodeOutput(scores, { count: 3, numClasses: 10 }).classes).toEqual(want);
  });

  it('decodeOutput returns the scores as a copy next to the classes', () => {
    const t = new ortWeb.Tensor('float32', scores, [3, 10]);
    const decoded = decodeOutput(t, { classNames: names });
    expect(decoded).toMatchObject({ count: 3, numClasses: 10, kind: 'logits' });
    expect(decoded.scores).toEqual(scores);
    expect(decoded.scores).not.toBe(t.data);
    const ids = decodeOutput(new ortNode.Tensor('int64', new BigInt64Array([2n]), [1]));
    expect(ids.scores).toBeUndefined();
    expect(decodeClasses(new ortNode.Tensor('int64', new BigInt64Array([2n, 1n]), [2]))).toEqual(
      new Uint8Array([2, 1]),
    );
  });

  it('rejects plain arrays without sizes and outputs that are not score rows', () => {
    for (const call of [
      () => decodeClasses(scores),
      () => decodeClasses(scores, 4, 10),
      () => decodeOutput(scores),
      () => decodeClasses({ data: new Float32Array(12), dims: [2, 2, 3] }),
      () => decodeClassNames(null as never, names),
    ]) {
      const error = thrownBy(call);
      expect(isFmnistError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});

describe('predictClasses / predictOutput', () => {
  it('run a session and decode its output like decodeClasses / decodeOutput', async () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [784], units: 10, activation: 'softmax' })],
    });
    const split = contractSplit(6);
    const session = await ortNode.InferenceSession.create(
      await exporter.exportLayersModel(model, { inputLayout: 'nchw' }),
    );
    const input = () => toOrtTensor(split, { Tensor: ortNode.Tensor });
    const classes = await predictClasses(session, input());
    const decoded = await predictOutput(session, input(), { classNames: split.classNames });
    expect(decoded.classes).toEqual(classes);
    expect(decoded.names).toEqual(Array.from(classes, (c) => split.classNames[c]));
    const error = await predictClasses(session, input(), { outputName: 'nope' }).catch(
      (e: unknown) => e,
    );
    expect(isFmnistError(error, 'INVALID_ARGUMENT')).toBe(true);
    model.dispose();
  });
});

describe('deprecated names', () => {
  it('are the new functions and values', () => {
    expect(onnx.predict).toBe(predictOutput);
    expect(onnx.exportLayersModel).toBe(exporter.exportLayersModel);
    expect(onnx.exportTfjsToOnnx).toBe(exporter.exportTfjsToOnnx);
    expect(onnx.tfjsToOnnxModel).toBe(exporter.tfjsToOnnxModel);
    expect(onnx.tfjsArtifactsFromFiles).toBe(exporter.tfjsArtifactsFromFiles);
    expect(onnx.decodeOnnxModel).toBe(exporter.decodeOnnxModel);
    expect(onnx.encodeOnnxModel).toBe(exporter.encodeOnnxModel);
    expect(onnx.OnnxDataType).toBe(exporter.OnnxDataType);
    expect(onnx.OnnxAttributeType).toBe(exporter.OnnxAttributeType);
  });
});
