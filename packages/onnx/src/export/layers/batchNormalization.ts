// BatchNormalization over the channel axis as ONNX BatchNormalization (inference form).
import { fail } from '../fail.ts';
import { float, toNchw } from '../graph.ts';
import { type LayerConverter, weightConst } from './layer.ts';

/** `BatchNormalization` on the last (channel) axis, with its moving statistics. */
export const batchNormalization: LayerConverter = (layer) => {
  const { g, name, cur, config } = layer;
  const axisConfig = config.axis ?? -1;
  const axis = Array.isArray(axisConfig) ? axisConfig : [axisConfig];
  const rank = cur.shape.length + 1;
  if (axis.length !== 1 || (axis[0] !== -1 && axis[0] !== rank - 1)) {
    fail(`BatchNormalization layer ${name}: only the channel (last) axis is supported.`);
  }
  const input = cur.shape.length === 3 ? toNchw(g, cur) : cur;
  const channels = input.shape[input.shape.length - 1];
  const param = (key: string, fallback: number): string => {
    // scale: false / center: false layers have no gamma / beta weight: ONNX still needs one.
    const enabled =
      key === 'gamma' ? (config.scale ?? true) : key === 'beta' ? (config.center ?? true) : true;
    if (enabled) return weightConst(layer, key, 1);
    return g.floatConst(`${name}/${key}`, [channels], new Float32Array(channels).fill(fallback));
  };
  const feeds = [
    input.name,
    param('gamma', 1),
    param('beta', 0),
    param('moving_mean', 0),
    param('moving_variance', 1),
  ];
  const out = g.node('BatchNormalization', feeds, name, [float('epsilon', config.epsilon ?? 1e-3)]);
  return { ...input, name: out };
};
