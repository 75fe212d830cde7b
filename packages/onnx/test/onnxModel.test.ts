// ONNX protobuf encode/decode round trips, and models both runtimes load.
import { isFmnistError } from '@fmnist/core';
import { thrownBy } from '@fmnist/test-utils';
import { describe, expect, it } from 'vitest';
import {
  decodeOnnxModel,
  encodeOnnxModel,
  OnnxAttributeType,
  OnnxDataType,
  type OnnxModel,
} from '../src/export/index.ts';
import { ortNode, ortWeb } from './helpers.ts';

const reluModel: OnnxModel = {
  irVersion: 8,
  opsetImport: [{ domain: '', version: 13 }],
  producerName: 'test',
  metadata: { classes: 'a,b' },
  graph: {
    name: 'g',
    nodes: [
      {
        opType: 'Transpose',
        inputs: ['x'],
        outputs: ['t'],
        name: 'tr',
        attributes: [{ name: 'perm', type: OnnxAttributeType.INTS, ints: [1, 0] }],
      },
      { opType: 'Add', inputs: ['t', 'b'], outputs: ['y'], name: 'add' },
    ],
    initializers: [
      {
        name: 'b',
        dataType: OnnxDataType.FLOAT,
        dims: [3, 2],
        rawData: new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer),
      },
    ],
    inputs: [{ name: 'x', elemType: OnnxDataType.FLOAT, dims: [2, 'n'] }],
    outputs: [{ name: 'y', elemType: OnnxDataType.FLOAT, dims: ['n', 2] }],
  },
};

describe('encodeOnnxModel / decodeOnnxModel', () => {
  it('writes the official field numbers', () => {
    const bytes = encodeOnnxModel(reluModel);
    // ModelProto.ir_version is field 1 (varint): tag 0x08, value 8.
    expect([bytes[0], bytes[1]]).toEqual([0x08, 8]);
    // graph is field 7 (tag 0x3a), opset_import field 8 (tag 0x42), metadata_props field 14 (0x72).
    const tags = new Set(bytes);
    for (const tag of [0x3a, 0x42, 0x72]) expect(tags.has(tag)).toBe(true);
  });

  it('round-trips through its own decoder', () => {
    const decoded = decodeOnnxModel(encodeOnnxModel(reluModel));
    expect(decoded.irVersion).toBe(8);
    expect(decoded.opsetImport).toEqual([{ domain: '', version: 13 }]);
    expect(decoded.metadata).toEqual({ classes: 'a,b' });
    expect(decoded.graph.nodes.map((n) => n.opType)).toEqual(['Transpose', 'Add']);
    expect(decoded.graph.nodes[0].attributes?.[0].ints).toEqual([1, 0]);
    expect(decoded.graph.inputs[0].dims).toEqual([2, 'n']);
    const raw = decoded.graph.initializers[0].rawData!;
    expect(Array.from(new Float32Array(raw.buffer))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('produces a file onnxruntime loads and runs', async () => {
    const session = await ortNode.InferenceSession.create(encodeOnnxModel(reluModel));
    const x = new ortNode.Tensor('float32', new Float32Array([10, 20, 30, 40, 50, 60]), [2, 3]);
    const { y } = await session.run({ x });
    expect(Array.from(y.data as Float32Array)).toEqual([11, 42, 23, 54, 35, 66]);
  });

  it('runs in either runtime with tensors of the other runtime Tensor class', async () => {
    const bytes = encodeOnnxModel(reluModel);
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    for (const [runtime, Tensor] of [
      [ortNode, ortWeb.Tensor],
      [ortWeb, ortNode.Tensor],
    ] as const) {
      const session = await runtime.InferenceSession.create(bytes);
      const { y } = await session.run({ x: new Tensor('float32', data, [2, 3]) });
      expect(Array.from(y.data as Float32Array)).toEqual([2, 6, 5, 9, 8, 12]);
    }
  });

  it('rejects bytes that are not a model', () => {
    const error = thrownBy(() => decodeOnnxModel(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f])));
    expect(isFmnistError(error, 'INVALID_ARGUMENT')).toBe(true);
  });
});
