// Adam whose per-variable update is one wasm SIMD pass on the wasm backend: tf.train.adam's arithmetic, to the bit.
import {
  AdamOptimizer,
  engine,
  getBackend,
  getKernel,
  type KernelConfig,
  mul,
  registerKernel,
  sub,
  type Tensor,
  type TensorInfo,
  tidy,
  util,
  type Variable,
  zerosLike,
} from '@tensorflow/tfjs-core';
import { heapOffset, WASM, type WasmBackendLike } from './backend.ts';
import { adamUpdateWasm } from './simd/adamUpdate.wasm.ts';
import { simdExports } from './simdModule.ts';

/** The kernel behind {@link fusedAdam}: inputs x, m, v, g; outputs x', m', v'. */
const ADAM_UPDATE = 'FmnistAdamUpdate';

type AdamUpdateFn = (...args: number[]) => void;

/** The scalars of one update, as tf.train.adam holds them (float32 when they reach the kernel). */
interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  epsilon: number;
  learningRate: number;
}

const adamUpdateConfig: KernelConfig = {
  kernelName: ADAM_UPDATE,
  backendName: WASM,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const wasmBackend = backend as unknown as WasmBackendLike;
    const { x, m, v, g } = inputs as Record<'x' | 'm' | 'v' | 'g', TensorInfo>;
    const a = attrs as unknown as AdamUpdateAttrs;
    const exports = simdExports(wasmBackend, adamUpdateWasm);
    if (exports === undefined) throw new Error(`${ADAM_UPDATE}: no wasm SIMD here`);
    const outs = [x, m, v].map((t) => wasmBackend.makeOutput(t.shape, 'float32'));
    (exports.adamUpdate as AdamUpdateFn)(
      ...[x, m, v, g, ...outs].map((t) => heapOffset(wasmBackend, t)),
      util.sizeFromShape(x.shape),
      a.beta1,
      1 - a.beta1,
      a.beta2,
      1 - a.beta2,
      a.oneMinusAccBeta1,
      a.oneMinusAccBeta2,
      a.epsilon,
      -a.learningRate,
    );
    return outs;
  },
};

type Gradients = Parameters<AdamOptimizer['applyGradients']>[0];
type NamedGradient = { name: string; tensor: Tensor | null | undefined };

/** The parts of tfjs-core's AdamOptimizer that its TypeScript types keep private. */
interface AdamState {
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: { originalName: string; variable: Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: Variable }[];
  incrementIterations(): void;
}

/**
 * `tf.train.adam`, with each variable's update made by one wasm SIMD pass on the wasm backend
 * (tfjs-core makes eleven kernel calls per variable, each allocating a tensor: about a tenth of a
 * `cnn-small` step). The pass makes the same float32 operations in the same order, so weights,
 * moments and losses are the same to the bit; on any other backend, without wasm SIMD, or for a
 * variable that is not float32 it is `tf.train.adam` itself. It is an `AdamOptimizer` (class name
 * `Adam`): models compile, save and load it as Adam, and its `learningRate` field can be changed
 * between steps.
 *
 * @param learningRate Default 0.001, as `tf.train.adam`.
 * @param beta1 Default 0.9.
 * @param beta2 Default 0.999.
 * @param epsilon Default: the backend's epsilon, as `tf.train.adam`.
 */
export function fusedAdam(
  learningRate = 0.001,
  beta1 = 0.9,
  beta2 = 0.999,
  epsilon?: number,
): AdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}

class FusedAdamOptimizer extends AdamOptimizer {
  override applyGradients(variableGradients: Gradients): void {
    const list: NamedGradient[] = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
    const values = list.map(({ name }) => engine().registeredVariables[name]);
    if (!this.fusable(values, list)) {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as AdamState;
    tidy(() => {
      // Read as tfjs's Adam computes them: float32 1 - accBeta, one rounding.
      const [oneMinusAccBeta1, oneMinusAccBeta2] = [state.accBeta1, state.accBeta2].map(
        (acc) => sub(1, acc).dataSync()[0],
      );
      list.forEach(({ tensor: gradient }, i) => {
        const value = values[i];
        state.accumulatedFirstMoment[i] ??= {
          originalName: `${list[i].name}/m`,
          variable: tidy(() => zerosLike(value).variable(false)),
        };
        state.accumulatedSecondMoment[i] ??= {
          originalName: `${list[i].name}/v`,
          variable: tidy(() => zerosLike(value).variable(false)),
        };
        if (gradient == null) return;
        const m = state.accumulatedFirstMoment[i].variable;
        const v = state.accumulatedSecondMoment[i].variable;
        const attrs: AdamUpdateAttrs = {
          beta1: this.beta1,
          beta2: this.beta2,
          oneMinusAccBeta1,
          oneMinusAccBeta2,
          epsilon: this.epsilon,
          learningRate: this.learningRate,
        };
        const [x2, m2, v2] = engine().runKernel(
          ADAM_UPDATE,
          { x: value, m, v, g: gradient },
          attrs as never,
        ) as Tensor[];
        m.assign(m2);
        v.assign(v2);
        value.assign(x2);
      });
      state.accBeta1.assign(mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(mul(state.accBeta2, this.beta2));
    });
    state.incrementIterations();
  }

  /** Whether this step can run the SIMD pass: wasm, SIMD, every tensor float32. */
  private fusable(values: (Variable | undefined)[], list: NamedGradient[]): boolean {
    if (getBackend() !== WASM) return false;
    if (values.some((v) => v === undefined || v.dtype !== 'float32')) return false;
    if (list.some(({ tensor }) => tensor != null && tensor.dtype !== 'float32')) return false;
    if (!getKernel(ADAM_UPDATE, WASM)) registerKernel(adamUpdateConfig);
    return (
      simdExports(engine().backend as unknown as WasmBackendLike, adamUpdateWasm) !== undefined
    );
  }
}
