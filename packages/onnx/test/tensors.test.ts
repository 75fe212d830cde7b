// Splits as onnxruntime tensors and batches, the adapter contract, and proxy-worker safety.
import {
  type DatasetSplit,
  fashionMnist,
  isFmnistError,
  layoutShape,
  toFloat32,
} from '@fmnist/core';
import { contractSplit, describeAdapterContract, thrownBy } from '@fmnist/test-utils';
import { describe, expect, it } from 'vitest';
import {
  decodeClasses,
  isDetached,
  labelArray,
  ortBatches,
  ortBatchesAsync,
  toOrtLabels,
  toOrtTensor,
} from '../src/index.ts';
import { ortNode, ortWeb } from './helpers.ts';

const Tensor = ortWeb.Tensor;

describeAdapterContract({
  name: 'onnx',
  convert: async (split, { normalize }) => {
    const tensor = toOrtTensor(split, { Tensor, normalize, layout: 'nchw' });
    const labels = toOrtLabels(split, { Tensor });
    return {
      count: tensor.dims[0],
      pixels: tensor.data,
      labels: Array.from(labels.data as BigInt64Array, Number),
      shape: tensor.dims,
      dispose: () => tensor.dispose(),
    };
  },
  // ortBatchesAsync validates when called; the suite expects the error from the iteration.
  batches: (split, options) =>
    (async function* () {
      for await (const batch of ortBatchesAsync(split, { ...options, Tensor, labels: 'int64' })) {
        yield {
          pixels: batch.input.data,
          labels: Array.from(batch.labelTensor!.data as BigInt64Array, Number),
        };
      }
    })(),
  decode: async (scores, count, numClasses) =>
    decodeClasses(new Tensor('float32', scores, [count, numClasses])),
});

/** Moves a buffer away the way onnxruntime-web's proxy worker does (a transfer). */
function transfer(buffer: ArrayBufferLike): void {
  structuredClone(buffer, { transfer: [buffer as ArrayBuffer] });
}

describe('toOrtTensor', () => {
  const split = contractSplit(12);

  it('gives float32 tensors of dims [N,1,28,28], [N,28,28,1] and [N,784] with the same data', () => {
    const expected = toFloat32(split.images);
    for (const layout of ['nchw', 'nhwc', 'flat'] as const) {
      for (const T of [ortWeb.Tensor, ortNode.Tensor]) {
        const tensor = toOrtTensor(split, { Tensor: T, layout });
        expect(tensor).toBeInstanceOf(T);
        expect(tensor.type).toBe('float32');
        expect(tensor.dims).toEqual(layoutShape(layout, 12));
        expect(tensor.data).toEqual(expected);
      }
    }
    expect(toOrtTensor(split, { Tensor }).dims).toEqual([12, 1, 28, 28]);
  });

  it('standardizes with the dataset statistics and writes into out, replacing a detached one', () => {
    const standardized = toOrtTensor(split, { Tensor, normalize: 'standardize' });
    const want = toFloat32(split.images, { normalize: 'standardize', dataset: fashionMnist.id });
    expect(standardized.data).toEqual(want);

    const out = new Float32Array(12 * 784);
    expect(toOrtTensor(split, { Tensor, out }).data).toBe(out);
    transfer(out.buffer);
    expect(isDetached(out)).toBe(true);
    const fresh = toOrtTensor(split, { Tensor, out });
    expect(fresh.data === out).toBe(false);
    expect(fresh.data).toEqual(toFloat32(split.images));
  });

  it('needs the Tensor class and a well-formed split', () => {
    const bad: [() => unknown, RegExp][] = [
      [() => toOrtTensor(split, {} as never), /Tensor class/],
      [() => toOrtTensor({ ...split, count: 13 }, { Tensor }), /./],
      [() => toOrtTensor(split, { Tensor, layout: 'nwhc' as 'nhwc' }), /layout/],
      [() => toOrtLabels(split, { Tensor, type: 'float32' as 'int32' }), /int64/],
    ];
    for (const [attempt, message] of bad) {
      const error = thrownBy(attempt);
      expect(isFmnistError(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe('labels', () => {
  it('makes int64 (default) and int32 label tensors of dims [N]', () => {
    const split = contractSplit(5);
    const int64 = toOrtLabels(split, { Tensor: ortNode.Tensor });
    expect(int64.type).toBe('int64');
    expect(int64.dims).toEqual([5]);
    expect(Array.from(int64.data as BigInt64Array)).toEqual(Array.from(split.labels, BigInt));
    const int32 = toOrtLabels(split.labels, { Tensor, type: 'int32' });
    expect(int32.type).toBe('int32');
    expect(Array.from(int32.data as Int32Array)).toEqual(Array.from(split.labels));
    expect(labelArray([3, 9], 'int64')).toEqual(new BigInt64Array([3n, 9n]));
  });
});

describe('ortBatches', () => {
  const split: DatasetSplit = contractSplit(37);

  it('reuses one buffer when asked, with views for the last partial batch', () => {
    const seen = new Set<ArrayBufferLike>();
    const sizes: number[] = [];
    for (const batch of ortBatches(split, {
      Tensor,
      batchSize: 10,
      reuseBuffers: true,
      layout: 'flat',
    })) {
      seen.add(batch.input.data.buffer);
      sizes.push(batch.size);
      expect(batch.input.dims).toEqual([batch.size, 784]);
      expect(batch.images).toBe(batch.input.data);
      const want = toFloat32(
        split.images.subarray(batch.index * 10 * 784, (batch.index * 10 + batch.size) * 784),
      );
      expect(batch.input.data).toEqual(want);
    }
    expect(sizes).toEqual([10, 10, 10, 7]);
    expect(seen.size).toBe(1);
  });

  it('allocates a new buffer when a proxied run detached the reused one', () => {
    const buffers: ArrayBufferLike[] = [];
    for (const batch of ortBatches(split, { Tensor, batchSize: 16, reuseBuffers: true })) {
      const want = toFloat32(
        split.images.subarray(batch.index * 16 * 784, (batch.index * 16 + batch.size) * 784),
      );
      expect(batch.input.data).toEqual(want);
      buffers.push(batch.input.data.buffer);
      // What session.run does with ort.env.wasm.proxy = true: the buffer moves to the worker.
      transfer(batch.input.data.buffer);
      expect(batch.input.data.length).toBe(0);
    }
    expect(new Set(buffers).size).toBe(3);
  });

  it('keeps images readable after the transfer with proxy: true, and yields label tensors', async () => {
    const { port1, port2 } = new MessageChannel();
    const received: Float32Array[] = [];
    port2.onmessage = (event) => received.push(event.data);
    for (const batch of ortBatches(split, {
      Tensor,
      batchSize: 20,
      proxy: true,
      reuseBuffers: true,
      labels: 'int32',
    })) {
      expect(batch.input.data).not.toBe(batch.images);
      port1.postMessage(batch.input.data, [batch.input.data.buffer as ArrayBuffer]);
      expect(isDetached(batch.input.data)).toBe(true);
      expect(isDetached(batch.images)).toBe(false);
      expect(batch.images).toEqual(
        toFloat32(
          split.images.subarray(batch.index * 20 * 784, (batch.index * 20 + batch.size) * 784),
        ),
      );
      expect(Array.from(batch.labelTensor!.data as Int32Array)).toEqual(Array.from(batch.labels));
      expect(batch.labelTensor!.type).toBe('int32');
    }
    // Event-driven: wait for both messages, however long a loaded machine takes to deliver them.
    while (received.length < 2) await new Promise((resolve) => setImmediate(resolve));
    port1.close();
    expect(received.map((r) => r.length)).toEqual([20 * 784, 17 * 784]);
  });

  it('checks options when called', () => {
    expect(() => ortBatches(split, { Tensor, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => ortBatches(split, { batchSize: 4 } as never)).toThrow(/Tensor class/);
    expect(() => ortBatches(split, { Tensor, batchSize: 4, labels: 'uint8' as 'int32' })).toThrow(
      /labels/,
    );
  });
});
