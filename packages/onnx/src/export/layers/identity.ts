// Layers that are the identity at inference: InputLayer and the dropout/noise family.
import type { LayerConverter } from './layer.ts';

/** Class names of layers that only act while training (or only declare the input). */
export const IDENTITY_LAYERS: readonly string[] = [
  'InputLayer',
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
];

/** Passes the value through: no node is emitted. */
export const identity: LayerConverter = ({ cur }) => cur;
