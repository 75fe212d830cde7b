// Pooling layers: windowed MaxPooling2D/AveragePooling2D and the global poolings, on NCHW.
import { fail } from '../fail.ts';
import { int, ints, toNchw } from '../graph.ts';
import { pair, window1d } from '../shape.ts';
import { checkChannelsLast, type LayerConverter } from './layer.ts';

/** `MaxPooling2D` / `AveragePooling2D`: `MaxPool` / `AveragePool` with explicit pads. */
export const pooling2d: LayerConverter = (layer) => {
  const { g, name, cur, config, className } = layer;
  checkChannelsLast(layer);
  const input = toNchw(g, cur);
  const [kh, kw] = pair(config.pool_size ?? config.poolSize ?? 2, 'pool_size');
  const [sh, sw] = pair(config.strides ?? [kh, kw], 'strides');
  const padding = config.padding ?? 'valid';
  const y = window1d(input.shape[0], kh, sh, 1, padding);
  const x = window1d(input.shape[1], kw, sw, 1, padding);
  const attributes = [
    ints('kernel_shape', [kh, kw]),
    ints('strides', [sh, sw]),
    ints('pads', [y.before, x.before, y.after, x.after]),
  ];
  // tfjs averages over the valid (unpadded) elements only, ONNX's count_include_pad = 0.
  if (className === 'AveragePooling2D') attributes.push(int('count_include_pad', 0));
  const op = className === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool';
  const out = g.node(op, [input.name], name, attributes);
  return { name: out, layout: 'nchw', shape: [y.out, x.out, input.shape[2]] };
};

/** `GlobalAveragePooling2D` / `GlobalMaxPooling2D`: the global pool, flattened to `[N, C]`. */
export const globalPooling2d: LayerConverter = (layer) => {
  const { g, name, cur, config, className } = layer;
  checkChannelsLast(layer);
  if (config.keepdims || config.keepDims) fail(`layer ${name}: keepdims is not supported.`);
  const input = toNchw(g, cur);
  const op = className === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool';
  const pooled = g.node(op, [input.name], name);
  const out = g.node('Flatten', [pooled], `${name}/flatten`, [int('axis', 1)]);
  return { name: out, layout: 'flat', shape: [input.shape[2]] };
};
