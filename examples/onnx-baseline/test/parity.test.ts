// The committed ONNX models against their tfjs sources on the full test split.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { argmax, type DatasetSplit, subset } from '@fmnist/core';
import { loadDataset } from '@fmnist/core/node';
import { toOrtTensor } from '@fmnist/onnx';
import { realDataDir } from '@fmnist/test-utils';
import type { ModelMetadata } from '@fmnist-examples/baseline-kit';
import { readModelFiles } from '@fmnist-examples/baseline-kit/node';
import { deserializeModel } from '@fmnist-examples/baseline-kit/tfjs';
import { selectNodeBackend } from '@fmnist-examples/tfjs-baseline/node';
import * as tf from '@tensorflow/tfjs';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';

const models = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../models');
ortWeb.env.wasm.numThreads = 1;

/**
 * The committed CNN against the committed tfjs model it was exported from, on all 10,000 test
 * images: the same class for every image in onnxruntime-node and onnxruntime-web, every output
 * within 1e-4. The MLP's tfjs weights are not committed (size); its recorded parity is checked.
 */
/** The model bytes, checked against the sha256 its metadata records. */
async function readModel(name: string): Promise<Uint8Array> {
  const onnx = new Uint8Array(await readFile(path.join(models, `${name}.onnx`)));
  expect(createHash('sha256').update(onnx).digest('hex')).toBe(
    (await readMetadata(name)).onnxSha256,
  );
  return onnx;
}

async function readMetadata(name: string): Promise<ModelMetadata> {
  return JSON.parse(await readFile(path.join(models, `${name}.json`), 'utf8')) as ModelMetadata;
}

describe('committed models: ONNX vs tfjs on the full test split', () => {
  let test: DatasetSplit;

  beforeAll(async () => {
    await selectNodeBackend('wasm');
    test = await loadDataset({ split: 'test', dataDir: realDataDir(), cache: false });
  });

  it('cnn (against models/cnn.tfjs)', async () => {
    const onnx = await readModel('cnn');
    const model = await deserializeModel(await readModelFiles(path.join(models, 'cnn.tfjs')));
    expect(tf.getBackend()).toBe('wasm');
    // In chunks of 1,000: one 10,000-image convolution would need a 280 MB im2col buffer.
    const want = new Float32Array(test.count * 10);
    for (let start = 0; start < test.count; start += 1000) {
      const part = subset(test, { start, count: 1000 });
      const nhwc = toOrtTensor(part, { Tensor: ortNode.Tensor, layout: 'nhwc' }).data;
      const scores = tf.tidy(() =>
        (model.predict(tf.tensor4d(nhwc, [part.count, 28, 28, 1])) as tf.Tensor).dataSync(),
      );
      want.set(scores as Float32Array, start * 10);
    }
    model.dispose();
    const wantClasses = argmax(want, test.count, 10);

    for (const ort of [ortNode, ortWeb]) {
      const session = await ort.InferenceSession.create(onnx);
      const { output } = await session.run({
        input: toOrtTensor(test, { Tensor: ort.Tensor, layout: 'nchw' }),
      });
      const got = output.data as Float32Array;
      const classes = argmax(got, test.count, 10);
      expect(classes.filter((c, i) => c !== wantClasses[i]).length).toBe(0);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      expect(worst).toBeLessThan(1e-4);
      await session.release();
    }
  }, 180_000);

  it('mlp (parity recorded when it was generated)', async () => {
    await readModel('mlp');
    const metadata = await readMetadata('mlp');
    expect(metadata.parity?.images).toBe(10_000);
    for (const r of metadata.parity?.runtimes ?? []) {
      expect(r.argmaxAgreement).toBe(1);
      expect(r.maxAbsDiff).toBeLessThan(1e-4);
    }
  });
});
