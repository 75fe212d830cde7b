// The browser backends of the tfjs baseline: WebGPU, WebGL, wasm, cpu, and which one runs.
/// <reference path="./assets.d.ts" />
import * as tf from '@tensorflow/tfjs';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { type BackendCandidate, type BackendChoice, chooseBackend } from './backendChoice.ts';
import { CPU_BACKEND, wasmBackend } from './sharedBackends.ts';

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<unknown | null> };
}

/** Browser preference order: WebGPU, WebGL, wasm, then the pure-JS cpu backend. */
export const BROWSER_BACKENDS: readonly BackendCandidate[] = [
  {
    name: 'webgpu',
    backend: 'webgpu',
    device: 'gpu',
    backendPackage: '@tensorflow/tfjs-backend-webgpu',
    load: async () => {
      const gpu = (navigator as GpuNavigator).gpu;
      if (!gpu) throw new Error('navigator.gpu is missing');
      // Ask first: tfjs registers the backend even where no adapter exists and fails later.
      if (!(await gpu.requestAdapter())) throw new Error('no WebGPU adapter');
      await import('@tensorflow/tfjs-backend-webgpu');
      return tf.setBackend('webgpu');
    },
  },
  {
    name: 'webgl',
    backend: 'webgl',
    device: 'gpu',
    backendPackage: '@tensorflow/tfjs-backend-webgl',
    load: () => tf.setBackend('webgl'),
  },
  // The bundler fingerprints the binaries; tell the backend where they went.
  wasmBackend((wasm) =>
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlainUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
    }),
  ),
  CPU_BACKEND,
];

/** A browser backend choice, with the GPU's renderer string where the browser tells it. */
export type BrowserBackendChoice = BackendChoice & { renderer?: string };

/**
 * Picks and activates the browser backend (`forced` allows only that one), then reports which
 * GPU it runs on where the browser tells: a software rasteriser such as SwiftShader is still the
 * "gpu" device to tfjs, and the renderer string makes that visible in the result.
 */
export async function selectBrowserBackend(forced?: string): Promise<BrowserBackendChoice> {
  const choice = await chooseBackend(BROWSER_BACKENDS, forced);
  await tf.ready();
  return { ...choice, renderer: rendererName(choice.backend) };
}

function rendererName(backend: string): string | undefined {
  if (backend !== 'webgl') return undefined;
  try {
    const gl = (tf.backend() as unknown as { gpgpu: { gl: WebGLRenderingContext } }).gpgpu.gl;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  } catch {
    return undefined;
  }
}
