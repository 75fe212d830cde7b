// The tfjs -> ONNX exporter: every layer and activation against model.predict in both runtimes.
import { isFmnistError } from '@fmnist/core';
import { thrownBy } from '@fmnist/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeOnnxModel,
  exportLayersModel,
  exportTfjsToOnnx,
  type OnnxInputLayout,
  type TfjsModelArtifacts,
  type TfjsModelJson,
  tfjsArtifactsFromFiles,
} from '../src/export/index.ts';
import { conv2d, maxAbsDiff, ortNode, ortWeb, sessions, tf, tfReady } from './helpers.ts';

const N = 7;

beforeAll(async () => {
  await tfReady();
});

/** Random inputs in the logical NHWC shape, and the same values for every ONNX layout. */
function inputs(shape: number[]) {
  const x = tf.randomUniform([N, ...shape], 0, 1, 'float32', 42);
  const nhwc = x.dataSync() as Float32Array;
  return { x, nhwc };
}

function dimsFor(layout: OnnxInputLayout, shape: number[]): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  if (layout === 'flat') return [N, size];
  if (layout === 'nhwc') return [N, ...(shape.length === 3 ? shape : [28, 28, 1])];
  const [h, w, c] = shape.length === 3 ? shape : [28, 28, 1];
  return [N, c, h, w];
}

/** NHWC values re-ordered to NCHW (needed only when channels > 1). */
function toNchw(values: Float32Array, [h, w, c]: number[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let n = 0; n < N; n++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++)
          out[((n * c + ch) * h + y) * w + x] = values[((n * h + y) * w + x) * c + ch];
  return out;
}

/** Exports `model` in each layout and checks both runtimes against `model.predict`. */
async function expectParity(
  model: tf.LayersModel,
  layouts: OnnxInputLayout[],
  tolerance = 1e-5,
): Promise<void> {
  const shape = model.inputs[0].shape.slice(1) as number[];
  const { x, nhwc } = inputs(shape);
  const want = (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
  for (const layout of layouts) {
    const bytes = await exportLayersModel(model, { inputLayout: layout });
    const { node, web } = await sessions(bytes);
    const data = layout === 'nchw' && shape.length === 3 ? toNchw(nhwc, shape) : nhwc;
    const dims = dimsFor(layout, shape);
    for (const [name, session, Tensor] of [
      ['onnxruntime-node', node, ortNode.Tensor],
      ['onnxruntime-web', web, ortWeb.Tensor],
    ] as const) {
      const out = await session.run({ input: new Tensor('float32', data, dims) });
      const got = out.output.data as Float32Array;
      expect(out.output.dims).toEqual([N, ...(model.outputs[0].shape.slice(1) as number[])]);
      expect(maxAbsDiff(got, want), `${name} ${layout}`).toBeLessThan(tolerance);
    }
  }
}

describe('exportTfjsToOnnx', () => {
  it('exports an MLP (Flatten, Dense, Dropout, softmax) with equal outputs in every input layout', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [28, 28, 1] }),
        tf.layers.dense({ units: 32, activation: 'relu' }),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    await expectParity(model, ['nhwc', 'nchw', 'flat']);
  });

  it('exports a multi-channel CNN (Conv2D same/valid, strides, dilation, pooling, BatchNorm) with logits', async () => {
    const model = tf.sequential({
      layers: [
        conv2d(4, 3, { inputShape: [28, 28, 1], padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        conv2d(6, [3, 2], { strides: 2, padding: 'same', activation: 'relu6' }),
        tf.layers.batchNormalization(),
        tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
        conv2d(5, 2, { dilationRate: 2, padding: 'valid', useBias: false }),
        tf.layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 16, activation: 'elu' }),
        tf.layers.dense({ units: 10 }),
      ],
    });
    // Non-trivial BatchNorm statistics, so a wrong axis or epsilon shows.
    const bn = model.layers[3];
    bn.setWeights(bn.getWeights().map((w, i) => tf.randomUniform(w.shape, 0.5, 1.5, 'float32', i)));
    await expectParity(model, ['nhwc', 'nchw', 'flat']);
  });

  it('exports every supported activation and activation layer', async () => {
    const acts = [
      'relu6',
      'selu',
      'sigmoid',
      'hardSigmoid',
      'tanh',
      'softplus',
      'softsign',
      'swish',
      'mish',
      'gelu',
      'gelu_new',
      'linear',
    ] as const;
    const layers: tf.layers.Layer[] = [
      tf.layers.dense({ inputShape: [784], units: 12, activation: 'elu' }),
    ];
    for (const activation of acts) layers.push(tf.layers.dense({ units: 12, activation }));
    layers.push(
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.dense({ units: 12 }),
      tf.layers.reLU({ maxValue: 0.5 }),
      tf.layers.dense({ units: 12 }),
      tf.layers.leakyReLU({ alpha: 0.1 }),
      tf.layers.elu(),
      tf.layers.batchNormalization({ center: false }),
      tf.layers.dense({ units: 10, activation: 'logSoftmax' as 'softmax' }),
    );
    const model = tf.sequential({ layers });
    await expectParity(model, ['flat', 'nchw']);
  });

  it('exports Reshape, global pooling and a Softmax layer', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.reshape({ inputShape: [784], targetShape: [14, 14, 4] }),
        tf.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'tanh' }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 10 }),
        tf.layers.softmax(),
      ],
    });
    await expectParity(model, ['flat']);
    const maxModel = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 3, kernelSize: 5, strides: 3 }),
        tf.layers.globalMaxPooling2d({}),
      ],
    });
    await expectParity(maxModel, ['nchw', 'nhwc']);
  });

  it('exports a functional model whose layers form a chain', async () => {
    const input = tf.input({ shape: [28, 28, 1] });
    const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
    const hidden = tf.layers
      .dense({ units: 8, activation: 'sigmoid' })
      .apply(flat) as tf.SymbolicTensor;
    const output = tf.layers
      .dense({ units: 10, activation: 'softmax' })
      .apply(hidden) as tf.SymbolicTensor;
    await expectParity(tf.model({ inputs: input, outputs: output }), ['nchw']);
  });

  it('writes opset 13, IR 8, a symbolic batch dimension and the requested names', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 10 })] });
    const bytes = await exportLayersModel(model, {
      inputLayout: 'nchw',
      inputName: 'pixels',
      outputName: 'logits',
      metadata: { classes: 'x' },
    });
    const decoded = decodeOnnxModel(bytes);
    expect(decoded.irVersion).toBe(8);
    expect(decoded.opsetImport).toEqual([{ domain: '', version: 13 }]);
    expect(decoded.producerName).toBe('@fmnist/onnx');
    expect(decoded.metadata).toEqual({ classes: 'x' });
    expect(decoded.graph.inputs).toEqual([
      { name: 'pixels', elemType: 1, dims: ['batch', 1, 28, 28] },
    ]);
    expect(decoded.graph.outputs).toEqual([{ name: 'logits', elemType: 1, dims: ['batch', 10] }]);
    expect(decoded.graph.nodes.map((n) => n.opType)).toEqual(['Flatten', 'Gemm']);
    const newer = decodeOnnxModel(await exportLayersModel(model, { opset: 17, batchSize: 4 }));
    expect(newer.opsetImport[0].version).toBe(17);
    expect(newer.graph.inputs[0].dims).toEqual([4, 784]);
    await sessions(await exportLayersModel(model, { opset: 17 }));
  });

  it('reads model.json plus weight files in manifest order', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: 6, activation: 'relu' }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const weights = new Uint8Array(artifacts!.weightData as ArrayBuffer);
    const files: Record<string, Uint8Array> = {
      'group1-shard1of2.bin': weights.slice(0, 1000),
      'group1-shard2of2.bin': weights.slice(1000),
    };
    // What tfjs writes to disk: JSON text with a weights manifest.
    const modelJson: TfjsModelJson = JSON.parse(
      JSON.stringify({
        format: 'layers-model',
        modelTopology: artifacts!.modelTopology,
        weightsManifest: [{ paths: Object.keys(files), weights: artifacts!.weightSpecs }],
      }),
    );
    const fromFiles = await tfjsArtifactsFromFiles(modelJson, (path) => files[path]);
    const bytes = exportTfjsToOnnx(fromFiles);
    const direct = exportTfjsToOnnx(artifacts as TfjsModelArtifacts);
    expect(bytes).toEqual(direct);
  });

  describe('rejects what it cannot export with INVALID_ARGUMENT', () => {
    const cases: [string, () => tf.LayersModel, RegExp][] = [
      [
        'an unsupported layer',
        () =>
          tf.sequential({
            layers: [
              tf.layers.conv2dTranspose({ inputShape: [28, 28, 1], filters: 2, kernelSize: 3 }),
            ],
          }),
        /Conv2DTranspose is not supported/,
      ],
      [
        'Dense on an image without Flatten',
        () => tf.sequential({ layers: [tf.layers.dense({ inputShape: [28, 28, 1], units: 3 })] }),
        /add a Flatten/,
      ],
    ];
    for (const [title, build, message] of cases) {
      it(title, async () => {
        const error = await exportLayersModel(build()).catch((e: unknown) => e);
        expect(isFmnistError(error, 'INVALID_ARGUMENT')).toBe(true);
        expect((error as Error).message).toMatch(message);
      });
    }

    it('non-float weights, short weight data, unknown activations and bad options', async () => {
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
      let artifacts: TfjsModelArtifacts | undefined;
      await model.save({
        save: async (a: tf.io.ModelArtifacts) => {
          artifacts = a as TfjsModelArtifacts;
          return {
            modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const },
          };
        },
      });
      const a = artifacts!;
      const attempts: [() => unknown, RegExp][] = [
        [
          () =>
            exportTfjsToOnnx({
              ...a,
              weightSpecs: a.weightSpecs.map((w) => ({ ...w, dtype: 'int32' })),
            }),
          /only float32/,
        ],
        [() => exportTfjsToOnnx({ ...a, weightData: new ArrayBuffer(8) }), /too short/],
        [() => exportTfjsToOnnx(a, { opset: 12 }), /opset/],
        [() => exportTfjsToOnnx(a, { inputLayout: 'nchw' }), /imageShape/],
        [() => exportTfjsToOnnx({ ...a, modelTopology: {} }), /no config/],
        [
          () =>
            exportTfjsToOnnx({
              ...a,
              modelTopology: JSON.parse(
                JSON.stringify(a.modelTopology).replace(
                  '"activation":"linear"',
                  '"activation":"bogus"',
                ),
              ),
            }),
          /activation "bogus"/,
        ],
      ];
      for (const [attempt, message] of attempts) {
        const error = thrownBy(attempt);
        expect(isFmnistError(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
        expect((error as Error).message).toMatch(message);
      }
    });
  });
});
