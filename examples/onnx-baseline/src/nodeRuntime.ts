// Node runtimes of the ONNX baseline: onnxruntime-node (CUDA, then CPU) or onnxruntime-web wasm.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { OrtModule } from './run.ts';

/** `--ep` values in Node. */
export type NodeExecutionProvider = 'auto' | 'cpu' | 'cuda' | 'webgpu' | 'wasm';

/** The runtime and execution providers a Node run uses. */
export interface NodeRuntime {
  ort: OrtModule;
  /** `'onnxruntime-node'` or `'onnxruntime-web'`. */
  framework: string;
  /** Providers to try in order (see `runOnnxBaseline`). */
  executionProviders: string[];
}

/**
 * Picks the runtime for `--ep`:
 * - `auto` (default): onnxruntime-node when it is installed, trying CUDA first when its provider
 *   library is present (onnxruntime-node's install script downloads it; it is absent when that
 *   script did not run), then its CPU provider; without onnxruntime-node, onnxruntime-web's wasm.
 * - `cpu`, `cuda`, `webgpu`: onnxruntime-node with that provider only (webgpu runs through Dawn
 *   and needs a Vulkan/Metal/D3D12 GPU driver).
 * - `wasm`: onnxruntime-web's wasm provider, `threads` threads (default 1).
 */
export async function loadNodeRuntime(
  ep: NodeExecutionProvider = 'auto',
  threads = 1,
): Promise<NodeRuntime> {
  if (ep !== 'wasm') {
    const ortNode = await optionalImport<OrtModule & { env: { logLevel?: string } }>(
      'onnxruntime-node',
    );
    if (ortNode) {
      ortNode.env.logLevel = 'error';
      const executionProviders =
        ep === 'auto' ? (cudaProviderPresent() ? ['cuda', 'cpu'] : ['cpu']) : [ep];
      return { ort: ortNode, framework: 'onnxruntime-node', executionProviders };
    }
    if (ep !== 'auto')
      throw new Error(`--ep ${ep} needs onnxruntime-node, which is not installed.`);
  }
  const ortWeb = await import('onnxruntime-web');
  ortWeb.env.wasm.numThreads = threads;
  ortWeb.env.logLevel = 'error';
  return { ort: ortWeb, framework: 'onnxruntime-web', executionProviders: ['wasm'] };
}

/** Whether onnxruntime-node's CUDA provider library sits next to its native binding. */
function cudaProviderPresent(): boolean {
  try {
    const require = createRequire(import.meta.url);
    const root = path.dirname(path.dirname(require.resolve('onnxruntime-node')));
    const dir = path.join(root, 'bin', 'napi-v6', process.platform, process.arch);
    return existsSync(path.join(dir, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

async function optionalImport<T>(name: string): Promise<T | undefined> {
  try {
    return (await import(/* @vite-ignore */ name)) as T;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}
