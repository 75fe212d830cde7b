// The Keras topology of a tfjs Layers model: its layer chain and its input shape.
import { fail } from './fail.ts';

/** One layer of the topology: its Keras class and free-form config. */
export interface LayerJson {
  className: string;
  // biome-ignore lint/suspicious/noExplicitAny: Keras layer configs are free-form JSON.
  config: Record<string, any>;
}

/** A parsed topology: the model's name and its layers in order. */
export interface Topology {
  name?: string;
  layers: LayerJson[];
}

/**
 * Reads a `modelTopology` (object, JSON string or bytes; `model.json` itself or the Keras wrapper
 * also work) into a layer chain: Sequential, or a functional model whose layers form one chain.
 */
export function parseTopology(raw: unknown): Topology {
  let json = raw;
  if (json instanceof ArrayBuffer) json = new TextDecoder().decode(json);
  if (typeof json === 'string') json = JSON.parse(json);
  // biome-ignore lint/suspicious/noExplicitAny: Keras topology is free-form JSON.
  let top = json as any;
  // model.json itself, or a topology with the Keras wrapper object.
  if (top?.modelTopology) top = top.modelTopology;
  if (top?.model_config) top = top.model_config;
  const className = top?.class_name ?? top?.className;
  const config = top?.config;
  if (!config) fail('modelTopology has no config: is this a tfjs layers model?');
  // biome-ignore lint/suspicious/noExplicitAny: Keras topology is free-form JSON.
  const rawLayers: any[] = Array.isArray(config) ? config : config.layers;
  if (!Array.isArray(rawLayers)) fail('modelTopology has no layer list.');
  if (className === 'Model' || className === 'Functional') checkChain(rawLayers);
  else if (className !== 'Sequential' && className !== undefined) {
    fail(`model class ${String(className)} is not supported (Sequential or a chain Model).`);
  }
  return {
    name: typeof config.name === 'string' ? config.name : undefined,
    layers: rawLayers.map((layer) => ({
      className: layer.class_name ?? layer.className,
      config: layer.config ?? {},
    })),
  };
}

/** A functional model is accepted when every layer consumes exactly the previous one. */
// biome-ignore lint/suspicious/noExplicitAny: Keras topology is free-form JSON.
function checkChain(layers: any[]): void {
  for (let i = 1; i < layers.length; i++) {
    const inbound = layers[i].inbound_nodes;
    const previous = layers[i - 1].config?.name ?? layers[i - 1].name;
    const sources = Array.isArray(inbound) ? inbound.flat(2) : [];
    const names = sources.filter((x: unknown) => typeof x === 'string');
    if (inbound && (names.length !== 1 || names[0] !== previous)) {
      fail(
        `layer ${String(layers[i].name)} is not fed by the layer before it: only chains export.`,
      );
    }
  }
}

/** The topology's layers; a model without any cannot be exported. */
export function topologyLayers(topology: Topology): LayerJson[] {
  if (topology.layers.length === 0) fail('the model has no layers.');
  return topology.layers;
}

/** The first layer's declared input shape without the batch axis; every size must be known. */
export function findInputShape(layers: LayerJson[]): number[] {
  const config = layers[0].config;
  const shape = config.batch_input_shape ?? config.batchInputShape ?? config.batch_shape;
  const full: (number | null)[] | undefined = shape
    ? shape
    : config.input_shape
      ? [null, ...config.input_shape]
      : undefined;
  if (!full) fail('the first layer declares no input shape (batch_input_shape).');
  const rest = full.slice(1);
  if (rest.some((d) => typeof d !== 'number' || d < 1)) {
    fail(`the input shape must be fully known apart from the batch, got [${full.join(', ')}].`);
  }
  return rest as number[];
}
