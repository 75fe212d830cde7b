// The comparison page: the same comparison as `pnpm start`, run in the page on the GPU paths.
// It shows sample images, live progress, the tables and the charts.
import { type DatasetSplit, toImageData } from '@fmnist/core';
import { byId as $, bootPage, publishPageState } from '@fmnist-examples/baseline-kit/page';
import { type BrowserEnvironmentOptions, browserEnvironment } from './browserEnvironment.ts';
import { renderSvg, reportCharts } from './charts.ts';
import { newRunId } from './merge.ts';
import { pageMachineFacts } from './pageMachine.ts';
import { wireResultActions } from './pageMerge.ts';
import { type CompareOptions, type DatasetChoice, planJobs, resolveSettings } from './plan.ts';
import { type CompareProgress, formatDuration, ProgressTracker } from './progress.ts';
import {
  type CompareReport,
  formatReportJson,
  paritySentences,
  referencesForDatasets,
  renderMarkdown,
} from './report.ts';
import type { BaselineId, CompareRow } from './rows.ts';
import { runJob } from './runJob.ts';
import { recordJobData } from './sameData.ts';
import { datasetTable, datasetTitle, referenceTable, resultTable, tableToHtml } from './table.ts';

/** What the page publishes for scripts and the Playwright test. */
export interface ComparePageState {
  status: 'idle' | 'running' | 'done' | 'error';
  report?: CompareReport;
  error?: string;
  log: string[];
  progress?: { job: string; phase: string; fraction: number; overall: number; eta: string };
}

declare global {
  interface Window {
    fmnistCompare: ComparePageState;
  }
}

const { state, log } = publishPageState<ComparePageState>(
  'fmnistCompare',
  { status: 'idle', log: [] },
  { keep: 300, follow: true },
);
const form = $<HTMLFormElement>('options');

function readOptions() {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? '').trim();
  const int = (name: string) => (text(name) ? Number.parseInt(text(name), 10) : undefined);
  const options: CompareOptions = {
    mode: text('mode') === 'full' ? 'full' : 'quick',
    dataset: (text('dataset') || 'fashion-mnist') as DatasetChoice,
    trainSamples: int('trainSamples'),
    testSamples: int('testSamples'),
    epochs: int('epochs'),
    seed: int('seed'),
    baselines: text('baselines')
      ? (text('baselines')
          .split(',')
          .map((s) => s.trim()) as BaselineId[])
      : undefined,
  };
  return {
    options,
    tfjsBackend:
      text('tfjsBackend') && text('tfjsBackend') !== 'auto' ? text('tfjsBackend') : undefined,
    onnxEp: text('onnxEp') || 'auto',
    brainDevice: (text('brainDevice') || 'auto') as BrowserEnvironmentOptions['brainDevice'],
    // Base URL of the .gz files, `{dataset}` replaced; empty: the dataset's public mirrors.
    data: text('data'),
  };
}

/** The first images of the test split, drawn with their class names. */
function drawSamples(split: DatasetSplit, count = 24) {
  const container = $('samples');
  container.replaceChildren();
  const [h, w] = split.imageShape;
  for (let i = 0; i < Math.min(count, split.count); i++) {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    // Ink dark on white, as clothes look in the dataset's own previews (toImageData's default).
    canvas.getContext('2d')!.putImageData(toImageData(split, i), 0, 0);
    const figure = document.createElement('figure');
    const caption = document.createElement('figcaption');
    caption.textContent = split.classNames[split.labels[i]];
    figure.append(canvas, caption);
    container.append(figure);
  }
}

function showProgress(p: CompareProgress) {
  state.progress = {
    job: p.job.id,
    phase: p.progress.phase,
    fraction: p.progress.fraction,
    overall: p.overall,
    eta: formatDuration(p.etaSeconds),
  };
  $<HTMLProgressElement>('overall-bar').value = p.overall;
  $<HTMLProgressElement>('job-bar').value = p.progress.fraction;
  $('overall-text').textContent =
    `job ${p.index + 1}/${p.jobs}, ${formatDuration(p.elapsedSeconds)} so far, ETA ${formatDuration(p.etaSeconds)}`;
  $('job-text').textContent =
    `${p.job.id} · ${p.progress.phase}: ${p.progress.detail} · ETA ${formatDuration(p.jobEtaSeconds)}`;
}

async function showReport(report: CompareReport) {
  const tables = $('tables');
  tables.replaceChildren();
  for (const dataset of report.settings.datasets) {
    const rows = report.results.filter((r) => r.dataset === dataset);
    const section = document.createElement('section');
    section.innerHTML =
      `<h3>${datasetTitle(dataset)}</h3>${tableToHtml(resultTable(rows))}` +
      `<p class="note">★ best in its column. ONNX rows run the model the tfjs row trained in this page, exported to ONNX.</p>` +
      `<ul>${paritySentences(rows)
        .map((s) => `<li>${s}</li>`)
        .join('')}</ul>` +
      `<h4>Published reference numbers</h4>${tableToHtml(referenceTable(dataset, rows))}`;
    tables.append(section);
  }
  if (report.settings.datasets.length > 1) {
    const section = document.createElement('section');
    section.innerHTML = `<h3>Fashion-MNIST against MNIST</h3>${tableToHtml(datasetTable(report.results, report.settings.datasets))}`;
    tables.append(section);
  }
  const charts = $('charts');
  charts.replaceChildren();
  for (const chart of reportCharts(report.results)) {
    const figure = document.createElement('figure');
    figure.className = 'chart';
    figure.dataset.chart = chart.name;
    figure.innerHTML = await renderSvg(chart.spec);
    charts.append(figure);
  }
  const download = (name: string, text: string, type: string) =>
    `<a download="${name}" href="${URL.createObjectURL(new Blob([text], { type }))}">${name}</a>`;
  $('downloads').innerHTML =
    `Download ${download('compare.json', formatReportJson(report), 'application/json')} · ${download('compare.md', renderMarkdown(report), 'text/markdown')}`;
}

async function start() {
  if (state.status === 'running') return;
  Object.assign(state, { status: 'running', log: [], report: undefined, error: undefined });
  $('tables').replaceChildren();
  $('charts').replaceChildren();
  $('downloads').replaceChildren();
  resultActions.setReport(undefined);
  const page = readOptions();
  try {
    const settings = resolveSettings(page.options);
    const jobs = planJobs(settings);
    const env = browserEnvironment({
      dataUrl: page.data,
      tfjsBackend: page.tfjsBackend,
      onnxProviders:
        page.onnxEp === 'auto'
          ? 'gpu' in navigator
            ? ['webgpu', 'wasm']
            : ['wasm']
          : [page.onnxEp],
      brainDevice: page.brainDevice,
    });
    log(`${jobs.length} jobs: ${jobs.map((j) => j.id).join(', ')}`);
    drawSamples(await env.loadSplit(settings.datasets[0], 'test'));
    const tracker = new ProgressTracker(jobs);
    const started = performance.now();
    const rows: CompareRow[] = [];
    const failures: { id: string; error: string }[] = [];
    // The same sha256 fingerprints as a Node run: a merge checks both used the same data.
    const data: CompareReport['data'] = {};
    for (const [index, job] of jobs.entries()) {
      tracker.startJob(index);
      showProgress(tracker.update({ phase: 'start', fraction: 0, detail: 'starting' }));
      try {
        const outcome = await runJob(job, env, {
          onProgress: (p) => showProgress(tracker.update(p)),
          onLog: log,
        });
        const { row } = outcome;
        if (outcome.data) recordJobData(data, job, outcome.data);
        rows.push(row);
        log(`✓ ${job.id}: ${row.label} accuracy ${row.testAccuracy.toFixed(4)}`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push({ id: job.id, error: message });
        log(`✗ ${job.id}: ${message}`);
      }
    }
    const report: CompareReport = {
      format: 1,
      runId: newRunId(),
      date: new Date().toISOString(),
      command: location.href,
      settings,
      machine: await pageMachineFacts(),
      durationSeconds: Math.round((performance.now() - started) / 100) / 10,
      results: rows,
      references: referencesForDatasets(settings.datasets),
      data,
      failures,
    };
    await showReport(report);
    state.report = report;
    resultActions.setReport(report);
    state.status = 'done';
    log(`done in ${formatDuration(report.durationSeconds)}`);
  } catch (error) {
    state.error = error instanceof Error ? error.message : String(error);
    state.status = 'error';
    log(`error: ${state.error}`);
  }
}

const resultActions = wireResultActions({
  download: $<HTMLButtonElement>('download-result'),
  files: $<HTMLInputElement>('merge-files'),
  allowDifferent: $<HTMLInputElement>('merge-allow-different'),
  output: $('merged'),
});

bootPage(form, start);
