// Which converter handles which Keras layer class, and converting one layer with it.
import type { Weight } from '../artifacts.ts';
import { fail } from '../fail.ts';
import type { GraphBuilder, Value } from '../graph.ts';
import type { LayerJson } from '../topology.ts';
import {
  activationLayer,
  eluLayer,
  leakyReluLayer,
  reluLayer,
  softmaxLayer,
} from './activation.ts';
import { batchNormalization } from './batchNormalization.ts';
import { conv2d } from './conv2d.ts';
import { dense } from './dense.ts';
import { IDENTITY_LAYERS, identity } from './identity.ts';
import type { LayerConverter } from './layer.ts';
import { globalPooling2d, pooling2d } from './pooling.ts';
import { flatten, reshape } from './reshape.ts';

/** Every supported Keras layer class and its converter. */
const CONVERTERS: ReadonlyMap<string, LayerConverter> = new Map<string, LayerConverter>([
  ...IDENTITY_LAYERS.map((className) => [className, identity] as const),
  ['Dense', dense],
  ['Conv2D', conv2d],
  ['MaxPooling2D', pooling2d],
  ['AveragePooling2D', pooling2d],
  ['GlobalAveragePooling2D', globalPooling2d],
  ['GlobalMaxPooling2D', globalPooling2d],
  ['Flatten', flatten],
  ['Reshape', reshape],
  ['Activation', activationLayer],
  ['ReLU', reluLayer],
  ['LeakyReLU', leakyReluLayer],
  ['ELU', eluLayer],
  ['Softmax', softmaxLayer],
  ['BatchNormalization', batchNormalization],
]);

/** Appends one layer to the graph and returns the value it produces. */
export function convertLayer(
  g: GraphBuilder,
  layer: LayerJson,
  cur: Value,
  weights: Map<string, Weight>,
): Value {
  const { className, config } = layer;
  const name: string = config.name ?? className;
  const convert = CONVERTERS.get(className);
  if (!convert) return fail(`layer ${name} of class ${String(className)} is not supported.`);
  return convert({ g, className, config, name, cur, weights });
}
