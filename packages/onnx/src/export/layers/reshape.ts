// Flatten and Reshape layers, both in tfjs's NHWC element order.
import { fail } from '../fail.ts';
import { reshape as reshapeNode, toFlat } from '../graph.ts';
import { product } from '../shape.ts';
import type { LayerConverter } from './layer.ts';

/** `Flatten`: `[N, d]` in NHWC order, so the Dense weights after it line up with tfjs. */
export const flatten: LayerConverter = ({ g, name, cur }) =>
  cur.shape.length === 1 ? cur : toFlat(g, cur, name);

/** `Reshape` to a rank-1 or rank-3 target (one `-1` allowed). */
export const reshape: LayerConverter = ({ g, name, cur, config }) => {
  const target: number[] = config.target_shape ?? config.targetShape;
  if (!Array.isArray(target)) fail(`Reshape layer ${name} has no target_shape.`);
  const total = product(cur.shape);
  const known = product(target.filter((d) => d !== -1));
  const resolved = target.map((d) => (d === -1 ? total / known : d));
  if (product(resolved) !== total || resolved.some((d) => !Number.isInteger(d) || d < 1)) {
    fail(
      `Reshape layer ${name} cannot turn [${cur.shape.join(', ')}] into [${target.join(', ')}].`,
    );
  }
  if (resolved.length !== 1 && resolved.length !== 3) {
    fail(`Reshape layer ${name}: only rank-1 or rank-3 targets are supported.`);
  }
  // Reshape works on tfjs's element order, so go through the flat NHWC form.
  const flat = cur.shape.length === 1 ? cur : toFlat(g, cur, `${name}/flatten`);
  if (resolved.length === 1) return { ...flat, shape: resolved };
  return { name: reshapeNode(g, flat, resolved, name), layout: 'nhwc', shape: resolved };
};
