// The ONNX baseline's browser page (index.html): load with core, run onnxruntime-web, show the result.
/**
 * Loads the test split with core's browser platform, runs onnxruntime-web with WebGPU (when the
 * browser has it) and then wasm, and shows the result JSON. The page also sets
 * `window.__onnxBaseline` for the Playwright test.
 */
import { loadDataset } from '@fmnist/core';
import { formatProgress, type ModelMetadata } from '@fmnist-examples/baseline-kit';
import * as ort from 'onnxruntime-web';
import { type OnnxBaselineResult, runOnnxBaseline } from './run.ts';

declare global {
  interface Window {
    __onnxBaseline?:
      | { status: 'running' }
      | { status: 'done'; result: OnnxBaselineResult }
      | { status: 'error'; error: string };
  }
}

const params = new URLSearchParams(location.search);
const logElement = document.getElementById('log') as HTMLElement;
const log = (line: string) => {
  logElement.textContent += `${line}\n`;
};

/** Execution providers for `?ep=`: auto tries WebGPU first when the browser exposes it. */
function executionProviders(ep: string): string[] {
  if (ep === 'webgpu' || ep === 'wasm') return [ep];
  return 'gpu' in navigator ? ['webgpu', 'wasm'] : ['wasm'];
}

async function main(): Promise<OnnxBaselineResult> {
  const dataset = params.get('dataset') ?? 'fashion-mnist';
  const modelParam = params.get('model') ?? 'cnn';
  const modelUrl = /[/.]/.test(modelParam) ? modelParam : `./${modelParam}.onnx`;
  const dataUrl = new URL(params.get('data') ?? `./data/${dataset}/`, location.href).href;
  ort.env.wasm.numThreads = Number(params.get('threads') ?? 1);
  ort.env.logLevel = 'error';

  log(`loading ${dataset} test split from ${dataUrl}`);
  const test = await loadDataset({ dataset, split: 'test', mirrors: [dataUrl], cache: false });
  const modelResponse = await fetch(modelUrl);
  if (!modelResponse.ok) throw new Error(`${modelUrl}: HTTP ${modelResponse.status}`);
  const model = new Uint8Array(await modelResponse.arrayBuffer());
  const metadataResponse = await fetch(modelUrl.replace(/\.onnx$/, '.json'));
  const metadata: ModelMetadata | null = metadataResponse.ok ? await metadataResponse.json() : null;

  const providers = executionProviders(params.get('ep') ?? 'auto');
  log(`model ${modelUrl} (${model.byteLength} bytes), trying ${providers.join(' then ')}`);
  return runOnnxBaseline({
    ort,
    framework: 'onnxruntime-web',
    runtime: 'browser',
    executionProviders: providers,
    model,
    metadata,
    test,
    // `samples` evaluates a prefix only: software WebGPU adapters (SwiftShader) are slow.
    testSamples: params.has('samples') ? Number(params.get('samples')) : undefined,
    quick: params.has('quick'),
    extra: { userAgent: navigator.userAgent, threads: ort.env.wasm.numThreads },
    onProgress: (p) => log(formatProgress(p)),
  });
}

window.__onnxBaseline = { status: 'running' };
main().then(
  (result) => {
    log(`accuracy ${(result.testAccuracy * 100).toFixed(2)}% on ${result.executionProvider}`);
    (document.getElementById('result') as HTMLElement).textContent = JSON.stringify(
      result,
      null,
      2,
    );
    window.__onnxBaseline = { status: 'done', result };
  },
  (error: unknown) => {
    const message =
      error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
    log(`error: ${message}`);
    window.__onnxBaseline = { status: 'error', error: message };
  },
);
