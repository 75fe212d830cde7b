// The fix for brain.js 2.0.0-beta.24's NeuralNetworkGPU input kernel, and which gpu.js mode a network runs in.
const PATCHED = Symbol.for('@fmnist/brain.gpuInputKernel');

/** The members of brain.js 2's `NeuralNetworkGPU` that {@link patchNeuralNetworkGPU} touches. */
interface GpuNetworkInternals {
  sizes?: number[];
  gpu?: {
    createKernel: (fn: (this: KernelThis, value: number[]) => number, settings: object) => unknown;
  };
  buildRunInput?: () => void;
  texturizeInputData?: unknown;
  [PATCHED]?: true;
}

interface KernelThis {
  thread: { x: number };
}

/**
 * Works around a bug in brain.js 2.0.0-beta.24's `NeuralNetworkGPU`: the kernel that uploads each
 * training input (`texturizeInputData`) is sized to the first hidden layer instead of the input
 * layer, so with fewer hidden units than inputs (784 pixels into 64 or 128 units: every sensible
 * Fashion-MNIST MLP) each training image is cut to its first `hidden` pixels. With gpu.js's CPU
 * fallback the missing pixels read as `undefined` and the network outputs NaN after one step; on
 * WebGL the reads past the short input texture return no image data and the network stays at
 * chance (7.4% test accuracy measured in headless Chromium, WebGL2).
 *
 * Call it on a fresh network before `train()`. It wraps the instance's `buildRunInput` so the input
 * kernel is rebuilt with the input-layer size whenever brain.js (re)initializes, and fixes an
 * already initialized network at once. Idempotent; a no-op (returning `net` unchanged) for
 * anything that is not a brain.js 2 GPU network, such as the CPU `NeuralNetwork` or brain.js 1.x.
 *
 * @returns The same network.
 */
export function patchNeuralNetworkGPU<T extends object>(net: T): T {
  const gpuNet = net as T & GpuNetworkInternals;
  const original = gpuNet.buildRunInput;
  if (gpuNet[PATCHED] || typeof original !== 'function' || !gpuNet.gpu) return net;
  const fix = () => {
    const inputSize = gpuNet.sizes?.[0];
    if (!inputSize || !gpuNet.gpu) return;
    gpuNet.texturizeInputData = gpuNet.gpu.createKernel(
      function (this: KernelThis, value: number[]) {
        return value[this.thread.x];
      },
      { output: [inputSize], pipeline: true, immutable: true },
    );
  };
  gpuNet.buildRunInput = function (this: GpuNetworkInternals) {
    original.call(this);
    fix();
  };
  gpuNet[PATCHED] = true;
  if (gpuNet.texturizeInputData && typeof gpuNet.texturizeInputData === 'function') fix();
  return net;
}

/**
 * The gpu.js backend a brain.js 2 `NeuralNetworkGPU` runs on: `'webgl2'`, `'webgl'` or
 * `'headlessgl'` on a GPU, `'cpu'` when gpu.js fell back to JavaScript (gpu.js does that silently
 * when no WebGL context can be created, e.g. in Node without the native `gl` package).
 *
 * gpu.js picks its backend when the network is constructed, but tells WebGL from WebGL2 only by
 * class name, which minifiers rename; when the name is unknown the answer comes from a built
 * kernel's context (after the first `train()`), else it is `'gpu'`. `undefined` for a network
 * without gpu.js (the CPU `NeuralNetwork`, brain.js 1.x).
 */
export function gpuMode(net: object): string | undefined {
  const internals = net as {
    gpu?: { Kernel?: { name?: string; mode?: string } | null; mode?: string };
    forwardPropagate?: { kernel?: { context?: unknown } }[];
  };
  const gpu = internals.gpu;
  if (!gpu || typeof gpu !== 'object') return undefined;
  const Kernel = gpu.Kernel;
  if (!Kernel) return gpu.mode;
  if (Kernel.mode === 'cpu') return 'cpu';
  const byName: Record<string, string> = {
    WebGL2Kernel: 'webgl2',
    WebGLKernel: 'webgl',
    HeadlessGLKernel: 'headlessgl',
  };
  if (Kernel.name && byName[Kernel.name]) return byName[Kernel.name];
  const context = internals.forwardPropagate?.find((k) => k?.kernel?.context)?.kernel?.context;
  if (context) {
    const WebGL2 = (globalThis as { WebGL2RenderingContext?: abstract new () => unknown })
      .WebGL2RenderingContext;
    return WebGL2 && context instanceof WebGL2 ? 'webgl2' : 'webgl';
  }
  return 'gpu';
}
