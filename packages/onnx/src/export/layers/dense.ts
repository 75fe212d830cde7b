// Dense layers as ONNX Gemm (plus their activation).
import { takeWeight } from '../artifacts.ts';
import { fail } from '../fail.ts';
import { toFlat } from '../graph.ts';
import { applyActivation } from './activation.ts';
import { type LayerConverter, withBias } from './layer.ts';

/** `Dense`: `Gemm(x, kernel, bias)`; tfjs's `[inputs, units]` kernel is Gemm's B as it is. */
export const dense: LayerConverter = (layer) => {
  const { g, name, cur, config } = layer;
  if (cur.shape.length !== 1) {
    fail(`Dense layer ${name} gets a rank-${cur.shape.length + 1} input: add a Flatten before it.`);
  }
  const flat = toFlat(g, cur);
  const kernel = takeWeight(layer.weights, name, 'kernel', 2);
  const [inputs, units] = kernel.shape;
  if (inputs !== flat.shape[0]) {
    fail(`Dense layer ${name} expects ${inputs} inputs but gets ${flat.shape[0]}.`);
  }
  const w = g.floatConst(`${name}/kernel`, kernel.shape, kernel.values);
  const out = g.node('Gemm', withBias(layer, [flat.name, w]), name);
  return applyActivation(g, { name: out, layout: 'flat', shape: [units] }, config.activation, name);
};
