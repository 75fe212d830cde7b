import { type BaselineResult, browserPlatform, loadDataset, subset } from '@fmnist/core';
import { selectBrowserBackend } from './browserBackend.ts';
import type { ModelKind } from './models.ts';
import { type BaselineProgress, runTfjsBaseline } from './train.ts';

/** What the page exposes for scripts and tests (Playwright reads it). */
export interface PageState {
  status: 'idle' | 'running' | 'done' | 'error';
  result?: BaselineResult;
  error?: string;
  log: string[];
}

declare global {
  interface Window {
    fmnistBaseline: PageState;
  }
}

const state: PageState = { status: 'idle', log: [] };
window.fmnistBaseline = state;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('options');
const logView = $<HTMLPreElement>('log');
const resultView = $<HTMLPreElement>('result');

function log(line: string) {
  state.log.push(line);
  logView.textContent = state.log.slice(-200).join('\n');
}

/** Page options: form fields, pre-filled from the query string (`?model=cnn&autostart=1`). */
function readOptions() {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? '').trim();
  const int = (name: string) => (text(name) ? Number.parseInt(text(name), 10) : undefined);
  return {
    model: (text('model') || 'mlp') as ModelKind,
    dataset: text('dataset') || 'fashion-mnist',
    epochs: int('epochs'),
    trainSamples: int('trainSamples'),
    testSamples: int('testSamples'),
    batchSize: int('batchSize'),
    backend: text('backend') || undefined,
    // A base URL holding the four .gz files; empty: the dataset's public mirrors.
    data: text('data') || undefined,
  };
}

let lastProgress = 0;
function onProgress(p: BaselineProgress) {
  const now = performance.now();
  if (p.phase === 'train') {
    if (now - lastProgress < 1000 && p.batch !== 1 && p.batch !== p.batches) return;
    lastProgress = now;
    log(
      `epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(4)} acc ${p.accuracy.toFixed(4)} ${p.samplesPerSecond.toFixed(0)} samples/s`,
    );
  } else if (p.phase === 'epoch') {
    log(
      `epoch ${p.epoch}/${p.epochs} done: loss ${p.loss.toFixed(4)} acc ${p.accuracy.toFixed(4)}`,
    );
  } else {
    log(`evaluating on ${p.testSamples} test images`);
  }
}

async function start() {
  if (state.status === 'running') return;
  state.status = 'running';
  state.log = [];
  resultView.textContent = '';
  const options = readOptions();
  try {
    const backend = await selectBrowserBackend(options.backend);
    for (const s of backend.skipped) log(`backend ${s.backend} skipped: ${s.reason}`);
    log(
      `backend: ${backend.backend} (${backend.device}${backend.renderer ? `, ${backend.renderer}` : ''})`,
    );
    const platform = browserPlatform();
    const mirrors = options.data ? [new URL(options.data, location.href).href] : undefined;
    const [train, fullTest] = await Promise.all(
      (['train', 'test'] as const).map((split) =>
        loadDataset({ dataset: options.dataset, split, platform, cache: false, mirrors }),
      ),
    );
    const test =
      options.testSamples && options.testSamples < fullTest.count
        ? subset(fullTest, { count: options.testSamples })
        : fullTest;
    log(`data: ${train.dataset} train ${train.count}, test ${test.count}`);
    const { result, model } = await runTfjsBaseline(
      {
        model: options.model,
        train,
        test,
        runtime: 'browser',
        backend: backend.backend,
        device: backend.device,
        epochs: options.epochs,
        trainSamples: options.trainSamples,
        batchSize: options.batchSize,
        extra: {
          backendPackage: backend.backendPackage,
          ...(backend.renderer ? { gpuRenderer: backend.renderer } : {}),
          userAgent: navigator.userAgent,
        },
      },
      { onProgress },
    );
    model.dispose();
    state.result = result;
    state.status = 'done';
    resultView.textContent = JSON.stringify(result, null, 2);
    log(`test accuracy ${(result.testAccuracy * 100).toFixed(2)}%`);
  } catch (error) {
    state.error = error instanceof Error ? error.message : String(error);
    state.status = 'error';
    log(`error: ${state.error}`);
  }
}

// Query-string values pre-fill the form; ?autostart=1 runs at once (tests, bookmarks).
const params = new URLSearchParams(location.search);
for (const [key, value] of params) {
  const field = form.elements.namedItem(key);
  if (field instanceof HTMLInputElement || field instanceof HTMLSelectElement) field.value = value;
}
form.addEventListener('submit', (event) => {
  event.preventDefault();
  void start();
});
if (params.get('autostart') === '1') void start();
