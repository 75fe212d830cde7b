// Conv2D layers as ONNX Conv on NCHW, with tfjs's kernel layout and 'same' padding made explicit.
import { takeWeight } from '../artifacts.ts';
import { fail } from '../fail.ts';
import { int, ints, toNchw } from '../graph.ts';
import { pair, window1d } from '../shape.ts';
import { applyActivation } from './activation.ts';
import { checkChannelsLast, type LayerConverter, withBias } from './layer.ts';

/** `Conv2D` (groups 1): `Conv(x, kernel, bias)` with explicit pads, then its activation. */
export const conv2d: LayerConverter = (layer) => {
  const { g, name, cur, config } = layer;
  checkChannelsLast(layer);
  if ((config.groups ?? 1) !== 1) fail(`Conv2D layer ${name} uses groups: not supported.`);
  const input = toNchw(g, cur);
  const kernel = takeWeight(layer.weights, name, 'kernel', 4);
  const [kh, kw, inC, outC] = kernel.shape;
  if (inC !== input.shape[2]) {
    fail(`Conv2D layer ${name} expects ${inC} channels but gets ${input.shape[2]}.`);
  }
  const [sh, sw] = pair(config.strides ?? 1, 'strides');
  const [dh, dw] = pair(config.dilation_rate ?? config.dilationRate ?? 1, 'dilation_rate');
  const padding = config.padding ?? 'valid';
  const y = window1d(input.shape[0], kh, sh, dh, padding);
  const x = window1d(input.shape[1], kw, sw, dw, padding);
  // tfjs kernels are [kh, kw, in, out]; ONNX wants [out, in, kh, kw].
  const onnxKernel = new Float32Array(kernel.values.length);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let c = 0; c < inC; c++) {
        for (let o = 0; o < outC; o++) {
          onnxKernel[((o * inC + c) * kh + i) * kw + j] =
            kernel.values[((i * kw + j) * inC + c) * outC + o];
        }
      }
    }
  }
  const w = g.floatConst(`${name}/kernel`, [outC, inC, kh, kw], onnxKernel);
  const out = g.node('Conv', withBias(layer, [input.name, w]), name, [
    ints('kernel_shape', [kh, kw]),
    ints('strides', [sh, sw]),
    ints('dilations', [dh, dw]),
    ints('pads', [y.before, x.before, y.after, x.after]),
    int('group', 1),
  ]);
  return applyActivation(
    g,
    { name: out, layout: 'nchw', shape: [y.out, x.out, outC] },
    config.activation,
    name,
  );
};
