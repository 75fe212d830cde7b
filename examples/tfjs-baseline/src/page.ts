// The tfjs baseline's browser page (index.html): load with core, train with runTfjsBaseline, show the result.
import { loadDataset } from '@fmnist/core';
import {
  type BaselineProgress,
  type BaselineResult,
  formatProgress,
} from '@fmnist-examples/baseline-kit';
import { byId as $, bootPage, publishPageState } from '@fmnist-examples/baseline-kit/page';
import { selectBrowserBackend } from './browserBackend.ts';
import { runTfjsBaseline, type TfjsModelKind } from './train.ts';

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

const { state, log } = publishPageState<PageState>(
  'fmnistBaseline',
  { status: 'idle', log: [] },
  { keep: 200 },
);
const form = $<HTMLFormElement>('options');
const resultView = $<HTMLPreElement>('result');

/** Page options: form fields, pre-filled from the query string (`?model=cnn&autostart=1`). */
function readOptions() {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? '').trim();
  const int = (name: string) => (text(name) ? Number.parseInt(text(name), 10) : undefined);
  return {
    model: (text('model') || 'mlp') as TfjsModelKind,
    dataset: text('dataset') || 'fashion-mnist',
    epochs: int('epochs'),
    trainSamples: int('trainSamples'),
    testSamples: int('testSamples'),
    batchSize: int('batchSize'),
    backend: text('backend') || undefined,
    // wasm threads (its threaded build runs only in a cross-origin-isolated page).
    threads: int('threads'),
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
  } else if (p.phase !== 'epoch' && !(p.phase === 'evaluate' && p.done === 0)) return;
  log(formatProgress(p));
}

async function start() {
  if (state.status === 'running') return;
  state.status = 'running';
  state.log = [];
  resultView.textContent = '';
  const options = readOptions();
  try {
    const backend = await selectBrowserBackend(options.backend, options.threads);
    for (const s of backend.skipped) log(`backend ${s.backend} skipped: ${s.reason}`);
    const threads =
      backend.threads === undefined
        ? ''
        : `, ${backend.threads} thread${backend.threads > 1 ? 's' : ''}${
            backend.crossOriginIsolated ? '' : ' (page not cross-origin isolated)'
          }`;
    log(
      `backend: ${backend.backend} (${backend.device}${backend.renderer ? `, ${backend.renderer}` : ''}${threads})`,
    );
    // A relative data URL resolves against the page; the files stay in browserCache().
    const mirrors = options.data ? [options.data] : undefined;
    const { train, test } = await loadDataset({
      dataset: options.dataset,
      split: ['train', 'test'],
      mirrors,
    });
    log(`data: ${train.dataset} train ${train.count}, test ${test.count}`);
    const { result, model } = await runTfjsBaseline({
      model: options.model,
      train,
      test,
      runtime: 'browser',
      backend: backend.backend,
      device: backend.device,
      epochs: options.epochs,
      trainSamples: options.trainSamples,
      testSamples: options.testSamples,
      batchSize: options.batchSize,
      extra: {
        backendPackage: backend.backendPackage,
        ...(backend.renderer ? { gpuRenderer: backend.renderer } : {}),
        ...(backend.threads === undefined
          ? {}
          : { threads: backend.threads, crossOriginIsolated: backend.crossOriginIsolated }),
        userAgent: navigator.userAgent,
      },
      onProgress,
    });
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

bootPage(form, start);
