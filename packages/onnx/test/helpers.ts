// Test helpers of the onnx adapter: both runtimes, tfjs on cpu, sessions of exported bytes.
import * as tf from '@tensorflow/tfjs';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';

// One wasm thread: the test machines are small and shared.
ortWeb.env.wasm.numThreads = 1;
ortWeb.env.logLevel = 'error';

export { ortNode, ortWeb, tf };

let ready: Promise<boolean> | undefined;

/** tfjs on its pure-JS cpu backend, with the Node hint banner silenced. */
export function tfReady(): Promise<boolean> {
  tf.env().set('IS_NODE', false);
  ready ??= tf.setBackend('cpu');
  return ready;
}

/** Largest absolute difference between two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} !== ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Sessions of the exported bytes in both runtimes; onnxruntime-node with strict shape inference. */
export async function sessions(bytes: Uint8Array) {
  const node = await ortNode.InferenceSession.create(bytes, {
    // Makes ORT's loader reject any shape/type inconsistency instead of warning.
    extra: { session: { strict_shape_type_inference: '1' } },
  } as ortNode.InferenceSession.SessionOptions);
  const web = await ortWeb.InferenceSession.create(bytes, {
    graphOptimizationLevel: 'disabled',
  });
  return { node, web };
}

type Conv2dArgs = Parameters<typeof tf.layers.conv2d>[0];
type DenseArgs = Parameters<typeof tf.layers.dense>[0];

/** A layer's Glorot kernel seeded by `seed` (the same weights every run); tfjs's default without. */
function kernel(seed: number | undefined) {
  return seed === undefined ? undefined : tf.initializers.glorotUniform({ seed });
}

/** Test-model builder: Conv2D of `filters` `kernelSize` kernels; `seed` fixes its initial kernel. */
export function conv2d(
  filters: number,
  kernelSize: number | [number, number],
  { seed, ...args }: Partial<Conv2dArgs> & { seed?: number } = {},
) {
  return tf.layers.conv2d({ ...args, filters, kernelSize, kernelInitializer: kernel(seed) });
}

/** Test-model builder: Dense of `units` units; `seed` fixes its initial kernel. */
export function dense(
  units: number,
  { seed, ...args }: Partial<DenseArgs> & { seed?: number } = {},
) {
  return tf.layers.dense({ ...args, units, kernelInitializer: kernel(seed) });
}
