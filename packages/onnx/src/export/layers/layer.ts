// What every layer converter receives and returns, and the config readers several layers share.
import { takeWeight, type Weight } from '../artifacts.ts';
import { fail } from '../fail.ts';
import type { GraphBuilder, Value } from '../graph.ts';
import type { LayerJson } from '../topology.ts';

/** One layer being converted: the graph so far, the layer, its input value and the weights. */
export interface LayerContext {
  g: GraphBuilder;
  /** The layer's Keras class, e.g. `'Conv2D'`. */
  className: string;
  config: LayerJson['config'];
  /** The layer's name (its class when unnamed): the prefix of its weights and ONNX names. */
  name: string;
  /** The value the layer consumes. */
  cur: Value;
  weights: Map<string, Weight>;
}

/** Turns one layer into ONNX nodes and returns the value it produces. */
export type LayerConverter = (layer: LayerContext) => Value;

/** The layer's weight `param` as a float32 initializer of the same shape; returns its name. */
export function weightConst(layer: LayerContext, param: string, rank: number): string {
  const weight = takeWeight(layer.weights, layer.name, param, rank);
  return layer.g.floatConst(`${layer.name}/${param}`, weight.shape, weight.values);
}

/** `feeds` plus the layer's bias initializer when the layer uses one (Keras default: it does). */
export function withBias(layer: LayerContext, feeds: string[]): string[] {
  const { config } = layer;
  return (config.use_bias ?? config.useBias ?? true)
    ? [...feeds, weightConst(layer, 'bias', 1)]
    : feeds;
}

/** Refuses a 2-D layer whose data_format is not channels_last (tfjs's default). */
export function checkChannelsLast(layer: LayerContext): void {
  const format = layer.config.data_format ?? layer.config.dataFormat;
  if (format !== undefined && format !== null && format !== 'channels_last') {
    fail(`layer ${layer.name} uses data_format ${String(format)}: only channels_last exports.`);
  }
}
