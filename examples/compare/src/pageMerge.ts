// The page's result buttons: download this run's compare.json, and merge several into a report here.
import { renderSvg } from './charts.ts';
import { describeDifferences, type MergedReport, mergeRuns, parseCompareJson } from './merge.ts';
import { mergedCharts } from './mergeCharts.ts';
import { mergedTables } from './mergeReport.ts';
import { type CompareReport, formatReportJson } from './report.ts';
import { datasetTitle, tableToHtml } from './table.ts';

/** What the merge view publishes for scripts and the Playwright test. */
export interface PageMergeState {
  status: 'idle' | 'done' | 'refused' | 'error';
  /** The refusal or error, as shown. */
  message?: string;
  /** The merged report, once merged. */
  merged?: MergedReport;
}

declare global {
  interface Window {
    fmnistMerge: PageMergeState;
  }
}

/** Saves `text` as a file named `name` (a Blob behind a clicked `<a download>`). */
export function downloadText(name: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // After the click has handed the Blob to the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Renders a merged report into `container`: machines, each dataset's tables, the charts. */
export async function showMergedReport(container: HTMLElement, merged: MergedReport) {
  const tables = mergedTables(merged);
  const warnings = [
    ...merged.warnings,
    ...(merged.differences.length > 0
      ? ['Merged despite different work:', ...describeDifferences(merged.differences)]
      : []),
  ];
  let html =
    `<h2>Merged: ${merged.runs.length} runs</h2>` +
    (warnings.length > 0
      ? `<ul class="warnings">${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`
      : '') +
    `<h3>Machines</h3>${tableToHtml(tables.machines)}`;
  for (const section of tables.datasets) {
    html +=
      `<h3>${datasetTitle(section.dataset)}</h3>${tableToHtml(section.results)}` +
      `<p class="note">★ best in its column over every machine.</p>${tableToHtml(section.byMachine)}`;
  }
  if (tables.datasetPair) {
    html += `<h3>Fashion-MNIST against MNIST, per machine</h3>${tableToHtml(tables.datasetPair)}`;
  }
  container.innerHTML = html;
  const charts = document.createElement('div');
  charts.className = 'merged-charts';
  for (const chart of mergedCharts(merged)) {
    const figure = document.createElement('figure');
    figure.className = 'chart';
    figure.dataset.chart = chart.name;
    figure.innerHTML = await renderSvg(chart.spec);
    charts.append(figure);
  }
  container.append(charts);
}

/** The elements of the result buttons (see index.html). */
export interface ResultActionElements {
  /** "Download result (compare.json)". */
  download: HTMLButtonElement;
  /** The `<input type="file" multiple>` of compare.json files to merge. */
  files: HTMLInputElement;
  /** The "allow different work" checkbox (`--allow-different`). */
  allowDifferent: HTMLInputElement;
  /** Where the merged report (or the refusal) goes. */
  output: HTMLElement;
}

/**
 * Wires the result buttons: "download result" saves the page's last report as `compare.json`
 * (the shape `pnpm start` writes, so `pnpm start --merge` reads it), and the file picker merges
 * the chosen `compare.json` files (any mix of Node runs and page downloads) with the same
 * `mergeRuns` as Node and renders the merged report below, or the refusal. Returns
 * `setReport`, which the page calls when a run finishes (it enables the download).
 */
export function wireResultActions(elements: ResultActionElements): {
  setReport: (report: CompareReport | undefined) => void;
} {
  const state: PageMergeState = { status: 'idle' };
  window.fmnistMerge = state;
  let report: CompareReport | undefined;
  elements.download.disabled = true;
  elements.download.addEventListener('click', () => {
    if (report) downloadText('compare.json', formatReportJson(report));
  });
  elements.files.addEventListener('change', async () => {
    const files = [...(elements.files.files ?? [])];
    if (files.length === 0) return;
    const { output } = elements;
    try {
      const inputs = await Promise.all(
        files.map(async (file) => ({
          source: file.name,
          report: parseCompareJson(await file.text(), file.name),
        })),
      );
      const outcome = mergeRuns(inputs, { allowDifferent: elements.allowDifferent.checked });
      if (!outcome.ok) {
        Object.assign(state, { status: 'refused', message: outcome.message, merged: undefined });
        output.innerHTML = `<pre class="refusal">${escapeHtml(outcome.message)}</pre>`;
        return;
      }
      await showMergedReport(output, outcome.merged);
      Object.assign(state, { status: 'done', message: undefined, merged: outcome.merged });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      Object.assign(state, { status: 'error', message, merged: undefined });
      output.innerHTML = `<pre class="refusal">${escapeHtml(message)}</pre>`;
    }
  });
  return {
    setReport(next) {
      report = next;
      elements.download.disabled = next === undefined;
    },
  };
}
