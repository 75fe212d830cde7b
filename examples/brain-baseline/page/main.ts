// The brain.js baseline's browser page: load with core, train NeuralNetworkGPU on WebGL when there, show the result.
// Publishes the result JSON on `window.brainBaseline` (read by the Playwright test) and in the page.
import { gpuMode } from '@fmnist/brain';
import { browserPlatform, loadDataset } from '@fmnist/core';
import { formatProgress } from '@fmnist-examples/baseline-kit';
import { loadBrowserBrain } from '../src/browserBrain.ts';
import { type BrainBaselineResult, runBrainBaseline } from '../src/train.ts';

/** What the page publishes for the test harness. */
export interface PageState {
  status: 'running' | 'done' | 'error';
  result?: BrainBaselineResult;
  error?: string;
  log: string[];
}

const state: PageState = { status: 'running', log: [] };
(window as unknown as { brainBaseline: PageState }).brainBaseline = state;

const statusElement = document.getElementById('status') as HTMLElement;
function log(line: string): void {
  state.log.push(line);
  statusElement.textContent = state.log.slice(-12).join('\n');
}

function numberParam(params: URLSearchParams, name: string): number | undefined {
  const value = params.get(name);
  return value === null ? undefined : Number(value);
}

/** The WebGL renderer string (e.g. SwiftShader in headless Chromium), for the record. */
function webglRenderer(): string | null {
  const gl =
    document.createElement('canvas').getContext('webgl2') ??
    document.createElement('canvas').getContext('webgl');
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

async function run(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const mirror = params.get('mirror') ?? new URL('data/', location.href).href;
  const dataset = params.get('dataset') ?? 'fashion-mnist';
  const { brain, version } = loadBrowserBrain();

  const requested = params.get('device') ?? 'auto';
  const probeMode = gpuMode(new brain.NeuralNetworkGPU());
  const device = requested === 'auto' ? (probeMode === 'cpu' ? 'cpu' : 'gpu') : requested;
  log(`brain.js ${version}; gpu.js picks "${probeMode}"; device ${device} (${requested})`);

  const platform = browserPlatform();
  const started = performance.now();
  const [train, test] = await Promise.all(
    (['train', 'test'] as const).map((split) =>
      loadDataset({ dataset, split, platform, mirrors: [mirror], cache: false }),
    ),
  );
  log(
    `loaded ${train.count} + ${test.count} images in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const hidden = params.get('hidden');
  const result = await runBrainBaseline({
    brain,
    frameworkVersion: version,
    runtime: 'browser',
    train,
    test,
    device: device === 'gpu' ? 'gpu' : 'cpu',
    hiddenLayers: hidden ? hidden.split(',').map(Number) : undefined,
    epochs: numberParam(params, 'epochs'),
    trainSamples: numberParam(params, 'train'),
    testSamples: numberParam(params, 'test'),
    chunkSize: numberParam(params, 'chunk'),
    learningRate: numberParam(params, 'lr'),
    seed: numberParam(params, 'seed'),
    patchGpu: params.get('patch') !== '0',
    extra: {
      requestedDevice: requested,
      webglRenderer: webglRenderer(),
      userAgent: navigator.userAgent,
      date: new Date().toISOString(),
    },
    onProgress: (p) =>
      log(
        p.phase === 'backend'
          ? `network ${p.detail}, backend ${p.backend}, device ${p.device}`
          : formatProgress(p),
      ),
  });
  state.result = result;
  state.status = 'done';
  log(`test accuracy ${(result.testAccuracy * 100).toFixed(2)}% on ${result.backend}`);
  (document.getElementById('result') as HTMLElement).textContent = JSON.stringify(result, null, 2);
}

run().catch((error: unknown) => {
  state.error = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  state.status = 'error';
  log(`error: ${state.error}`);
});
