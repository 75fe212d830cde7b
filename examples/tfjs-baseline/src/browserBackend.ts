// The browser backends of the tfjs baseline: WebGPU, WebGL, wasm, cpu, and which one runs.
/// <reference path="./assets.d.ts" />

import { MAX_WASM_THREADS } from '@fmnist/tfjs/wasm-kernels';
import * as tf from '@tensorflow/tfjs';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import wasmThreadedGlueUrl from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?url';
import { type BackendCandidate, type BackendChoice, chooseBackend } from './backendChoice.ts';
import {
  CPU_BACKEND,
  threadedWasmBackend,
  type WasmBackendModule,
  wasmBackend,
} from './sharedBackends.ts';

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<unknown | null> };
}

/** The bundler fingerprints the binaries; tell the backend where they went. */
const setPaths = (wasm: WasmBackendModule) =>
  wasm.setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });

/** Browser preference order: WebGPU, WebGL, wasm, then the pure-JS cpu backend. */
export const BROWSER_BACKENDS: readonly BackendCandidate[] = browserBackends();

/**
 * The browser preference list. In a cross-origin-isolated page its wasm candidate runs the
 * threaded SIMD build (`@fmnist/tfjs`'s `setWasmThreads`, from the glue and binary bundled here)
 * with `wasmThreads` threads, by default tfjs's own default of half the logical cores; the stock
 * backend would pick the same build there but cannot start it once bundled and minified (its
 * workers throw "e is not defined"). In a page that is not isolated, wasm is the single-threaded
 * SIMD build, whatever `wasmThreads` says.
 */
export function browserBackends(wasmThreads?: number): BackendCandidate[] {
  const threads =
    globalThis.crossOriginIsolated === true ? (wasmThreads ?? defaultWasmThreads()) : wasmThreads;
  return [
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
    threads === undefined
      ? wasmBackend(setPaths)
      : threadedWasmBackend(threads, setPaths, {
          glue: wasmThreadedGlueUrl,
          binary: wasmThreadedUrl,
        }),
    CPU_BACKEND,
  ];
}

/** tfjs-backend-wasm's default pool: half the logical cores (two per core assumed), 1 to 8. */
function defaultWasmThreads(): number {
  const cores = globalThis.navigator?.hardwareConcurrency || 2;
  return Math.min(MAX_WASM_THREADS, Math.max(1, Math.floor(cores / 2)));
}

/**
 * A browser backend choice, with the GPU's renderer string where the browser tells it, and on
 * wasm the threads it computes with and whether the page is cross-origin isolated (without
 * isolation there is no `SharedArrayBuffer`, so no threaded build).
 */
export type BrowserBackendChoice = BackendChoice & {
  renderer?: string;
  threads?: number;
  crossOriginIsolated?: boolean;
};

/**
 * Picks and activates the browser backend (`forced` allows only that one), then reports which
 * GPU it runs on where the browser tells: a software rasteriser such as SwiftShader is still the
 * "gpu" device to tfjs, and the renderer string makes that visible in the result. On wasm,
 * `wasmThreads` (1 to 8) asks for that many threads and the choice says how many run.
 *
 * @throws Error for a `wasmThreads` that is not an integer from 1 to 8.
 */
export async function selectBrowserBackend(
  forced?: string,
  wasmThreads?: number,
): Promise<BrowserBackendChoice> {
  if (
    wasmThreads !== undefined &&
    !(Number.isInteger(wasmThreads) && wasmThreads >= 1 && wasmThreads <= MAX_WASM_THREADS)
  ) {
    throw new Error(`threads must be an integer from 1 to ${MAX_WASM_THREADS}, got ${wasmThreads}`);
  }
  const choice = await chooseBackend(browserBackends(wasmThreads), forced);
  await tf.ready();
  if (choice.backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    return {
      ...choice,
      threads: wasm.getThreadsCount(),
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
    };
  }
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
