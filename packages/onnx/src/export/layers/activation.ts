// Activations: the `activation` option of Dense/Conv2D and the Activation, ReLU, LeakyReLU, ELU and Softmax layers.

import { fail } from '../fail.ts';
import { float, type GraphBuilder, int, scalar, storedAxis, type Value } from '../graph.ts';
import type { OnnxAttribute } from '../onnxModel.ts';
import type { LayerConverter } from './layer.ts';

/** `kind` (a Keras activation name; `null`/absent is linear) applied to `cur`. */
export function applyActivation(g: GraphBuilder, cur: Value, kind: unknown, base: string): Value {
  const name =
    typeof kind === 'string' ? kind : kind === null || kind === undefined ? 'linear' : '';
  const unary = (op: string, attributes: OnnxAttribute[] = []): Value => ({
    ...cur,
    name: g.node(op, [cur.name], `${base}/${op.toLowerCase()}`, attributes),
  });
  switch (name) {
    case 'linear':
      return cur;
    case 'relu':
      return unary('Relu');
    case 'relu6':
      return clip(g, cur, 0, 6, `${base}/relu6`, base);
    case 'elu':
      return unary('Elu', [float('alpha', 1)]);
    case 'selu':
      return unary('Selu');
    case 'sigmoid':
      return unary('Sigmoid');
    case 'hardSigmoid':
    case 'hard_sigmoid':
      return unary('HardSigmoid', [float('alpha', 0.2), float('beta', 0.5)]);
    case 'tanh':
      return unary('Tanh');
    case 'softplus':
      return unary('Softplus');
    case 'softsign':
      return unary('Softsign');
    case 'softmax':
      return unary('Softmax', [int('axis', storedAxis(cur, -1))]);
    case 'logSoftmax':
    case 'log_softmax':
      return unary('LogSoftmax', [int('axis', storedAxis(cur, -1))]);
    case 'swish': {
      const s = g.node('Sigmoid', [cur.name], `${base}/sigmoid`);
      return { ...cur, name: g.node('Mul', [cur.name, s], `${base}/swish`) };
    }
    case 'mish': {
      const sp = g.node('Softplus', [cur.name], `${base}/softplus`);
      const t = g.node('Tanh', [sp], `${base}/tanh`);
      return { ...cur, name: g.node('Mul', [cur.name, t], `${base}/mish`) };
    }
    case 'gelu': {
      // x * 0.5 * (1 + erf(x / sqrt(2))), as tfjs computes it.
      const scaled = g.node(
        'Mul',
        [cur.name, scalar(g, `${base}/rsqrt2`, Math.SQRT1_2)],
        `${base}/gelu_in`,
      );
      const erf = g.node('Erf', [scaled], `${base}/erf`);
      const cdf = g.node('Add', [erf, scalar(g, `${base}/one`, 1)], `${base}/cdf`);
      const half = g.node('Mul', [cdf, scalar(g, `${base}/half`, 0.5)], `${base}/half_cdf`);
      return { ...cur, name: g.node('Mul', [cur.name, half], `${base}/gelu`) };
    }
    case 'gelu_new': {
      // 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))), tfjs's tanh approximation.
      const x2 = g.node('Mul', [cur.name, cur.name], `${base}/x2`);
      const x3 = g.node('Mul', [x2, cur.name], `${base}/x3`);
      const cubic = g.node('Mul', [x3, scalar(g, `${base}/c`, 0.044715)], `${base}/cubic`);
      const inner = g.node('Add', [cur.name, cubic], `${base}/inner`);
      const arg = g.node(
        'Mul',
        [inner, scalar(g, `${base}/k`, Math.sqrt(2 / Math.PI))],
        `${base}/arg`,
      );
      const t = g.node('Tanh', [arg], `${base}/tanh`);
      const onePlus = g.node('Add', [t, scalar(g, `${base}/one`, 1)], `${base}/one_plus`);
      const halfX = g.node('Mul', [cur.name, scalar(g, `${base}/half`, 0.5)], `${base}/half_x`);
      return { ...cur, name: g.node('Mul', [halfX, onePlus], `${base}/gelu_new`) };
    }
    default:
      return fail(`activation ${JSON.stringify(kind)} is not supported.`);
  }
}

/** `Clip(cur, lo, hi)`: ReLU6 and ReLU with `max_value`. */
function clip(g: GraphBuilder, cur: Value, lo: number, hi: number, node: string, base: string) {
  const min = scalar(g, `${base}/min`, lo);
  const max = scalar(g, `${base}/max`, hi);
  return { ...cur, name: g.node('Clip', [cur.name, min, max], node) };
}

/** `Activation`: its `activation` applied to the input. */
export const activationLayer: LayerConverter = ({ g, cur, config, name }) =>
  applyActivation(g, cur, config.activation, name);

/** `ReLU`, clipped when it has a `max_value`. */
export const reluLayer: LayerConverter = ({ g, cur, config, name }) => {
  const max = config.max_value ?? config.maxValue;
  if (max === null || max === undefined) return applyActivation(g, cur, 'relu', name);
  return clip(g, cur, 0, max, name, name);
};

/** `LeakyReLU` with its `alpha` (Keras default 0.3). */
export const leakyReluLayer: LayerConverter = ({ g, cur, config, name }) => ({
  ...cur,
  name: g.node('LeakyRelu', [cur.name], name, [float('alpha', config.alpha ?? 0.3)]),
});

/** `ELU` with its `alpha` (default 1). */
export const eluLayer: LayerConverter = ({ g, cur, config, name }) => ({
  ...cur,
  name: g.node('Elu', [cur.name], name, [float('alpha', config.alpha ?? 1)]),
});

/** `Softmax` over one axis (default the last), mapped to the stored layout's axis. */
export const softmaxLayer: LayerConverter = ({ g, cur, config, name }) => {
  const axis = config.axis ?? -1;
  if (Array.isArray(axis) && axis.length !== 1) fail(`Softmax layer ${name}: one axis only.`);
  const a = Array.isArray(axis) ? axis[0] : axis;
  return { ...cur, name: g.node('Softmax', [cur.name], name, [int('axis', storedAxis(cur, a))]) };
};
