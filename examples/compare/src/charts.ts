// The comparison's charts as Vega-Lite specs (accuracy, per-class, throughput, confusion), as SVG.
import { getDataset } from '@fmnist/core';
import { Error as ErrorLevel, logger, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import {
  accuracyHeatmap,
  byDataset,
  type ChartSpec,
  chart,
  classAxis,
  heatmapLayers,
  rankedBars,
} from './chartParts.ts';
import { referencesFor } from './references.ts';
import type { CompareRow } from './rows.ts';
import { datasetTitle, formatAccuracy } from './table.ts';

function datasetsOf(rows: readonly CompareRow[]): string[] {
  return [...new Set(rows.map((r) => r.dataset))];
}

/** The chart label of a row: framework, model, backend. */
function barLabel(row: CompareRow): string {
  return `${row.framework} ${row.model} (${row.backend})`;
}

/**
 * Test accuracy per baseline beside the published reference numbers of the same dataset, one
 * panel per dataset. The axis starts at 0.5 (bars are clipped there) so that differences of a
 * point or two stay visible.
 */
export function accuracyChart(rows: readonly CompareRow[]): ChartSpec {
  const datasets = datasetsOf(rows);
  const values = datasets.flatMap((dataset) => [
    ...rows
      .filter((r) => r.dataset === dataset)
      .map((r) => ({
        dataset: datasetTitle(dataset),
        label: barLabel(r),
        group: r.framework,
        accuracy: r.testAccuracy,
        text: formatAccuracy(r.testAccuracy),
      })),
    ...referencesFor(dataset).map((ref) => ({
      dataset: datasetTitle(dataset),
      label: ref.name,
      group: 'published reference',
      accuracy: ref.accuracy,
      text: ref.accuracy.toFixed(3),
    })),
  ]);
  const bars = rankedBars({
    values,
    x: {
      field: 'accuracy',
      title: 'test accuracy (axis starts at 0.5)',
      scale: { domain: [0.5, 1], clamp: true },
    },
    step: 22,
    text: { field: 'text' },
    clip: true,
  });
  const title = 'Test accuracy per baseline, with published reference numbers';
  return chart('accuracy', title, values, byDataset(datasets, ['y'], bars));
}

/** Axis labels for a dataset's classes: `'0 T-shirt/top'`, or just `'0'` where the name is the digit. */
function classLabels(dataset: string): string[] {
  let names: readonly string[] = [];
  try {
    names = getDataset(dataset).classNames;
  } catch {
    // An unregistered dataset: label classes by number.
  }
  return Array.from({ length: 10 }, (_, i) =>
    names[i] === undefined || names[i] === String(i) ? String(i) : `${i} ${names[i]}`,
  );
}

/**
 * Per-class test accuracy as a heatmap: one row per baseline, one column per class, one panel per
 * dataset. Dark cells are the classes a framework confuses (Fashion-MNIST: shirts, pullovers, coats).
 */
export function perClassChart(rows: readonly CompareRow[]): ChartSpec {
  const datasets = datasetsOf(rows);
  const values = rows.flatMap((r) => {
    const names = classLabels(r.dataset);
    return r.perClassAccuracy.map((accuracy, i) => ({
      dataset: datasetTitle(r.dataset),
      label: barLabel(r),
      className: names[i] ?? String(i),
      accuracy,
      text: accuracy.toFixed(2),
    }));
  });
  const cells = accuracyHeatmap({ width: 56, height: 24, fontSize: 11, classTitle: null });
  const title = 'Per-class test accuracy (framework x class)';
  return chart('per-class', title, values, byDataset(datasets, ['x', 'y'], cells));
}

/** A file-name-safe stem: `fashion-mnist/tfjs-cnn` -> `fashion-mnist-tfjs-cnn`. */
export function chartStem(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The confusion matrix of one row: true class down, predicted class across, counts in cells. */
export function confusionChart(row: CompareRow): ChartSpec {
  const names = classLabels(row.dataset);
  const name = (i: number) => names[i] ?? String(i);
  const values = row.confusionMatrix.flatMap((counts, t) =>
    counts.map((count, p) => ({
      actual: name(t),
      predicted: name(p),
      count,
      diagonal: t === p,
    })),
  );
  const title = `${barLabel(row)} on ${datasetTitle(row.dataset)}: accuracy ${formatAccuracy(row.testAccuracy)}`;
  const max = Math.max(1, ...values.map((v) => v.count));
  const color = {
    field: 'count',
    type: 'quantitative',
    title: 'images',
    scale: { type: 'sqrt', scheme: 'blues', domain: [0, max] },
  };
  const text = { field: 'count', type: 'quantitative' };
  return chart(
    `confusion-${chartStem(`${row.dataset}-${row.baseline}`)}`,
    title,
    values,
    {
      width: { step: 44 },
      height: { step: 30 },
      encoding: {
        x: classAxis('predicted', 'predicted'),
        y: { field: 'actual', type: 'ordinal', sort: null, title: 'true class' },
      },
      layer: heatmapLayers(color, text, 10, `datum.count > ${max * 0.3}`),
    },
    'confusion matrix: true class (rows) x predicted class (columns)',
  );
}

/**
 * Throughput bars: training samples per second (rows that trained) or inference images per
 * second (all rows), one panel per dataset.
 */
export function throughputChart(
  rows: readonly CompareRow[],
  kind: 'train' | 'inference',
): ChartSpec {
  const datasets = datasetsOf(rows);
  const field = kind === 'train' ? 'trainSamplesPerSecond' : 'inferenceImagesPerSecond';
  const values = rows
    .filter((r) => (kind === 'train' ? r.role === 'trained' : true))
    .map((r) => ({
      dataset: datasetTitle(r.dataset),
      label: barLabel(r),
      group: r.framework,
      value: typeof r[field] === 'number' && Number.isFinite(r[field]) ? r[field] : 0,
    }));
  const bars = rankedBars({
    values,
    x: { field: 'value', title: kind === 'train' ? 'training samples/s' : 'inference images/s' },
    step: 24,
    text: { field: 'value', type: 'quantitative', format: ',.0f' },
  });
  const title =
    kind === 'train'
      ? 'Training throughput (samples per second, higher is better)'
      : 'Inference throughput on the test split (images per second, higher is better)';
  const name = kind === 'train' ? 'train-throughput' : 'inference-throughput';
  return chart(name, title, values, byDataset(datasets, ['y'], bars));
}

/** Every chart of a report: accuracy, per-class heatmap, throughputs, one confusion matrix per row. */
export function reportCharts(rows: readonly CompareRow[]): ChartSpec[] {
  const charts = [accuracyChart(rows), perClassChart(rows)];
  if (rows.some((r) => r.role === 'trained')) charts.push(throughputChart(rows, 'train'));
  charts.push(throughputChart(rows, 'inference'));
  for (const row of rows) charts.push(confusionChart(row));
  return charts;
}

/**
 * Renders a Vega-Lite spec to an SVG string with Vega's headless renderer: no browser, no canvas,
 * the same in Node and in a page.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Vega-Lite warns that layered marks in independently scaled facets share a field, which is
  // exactly what these charts mean: keep errors only.
  const compiled = compile(spec, { logger: logger(ErrorLevel) });
  const view = new View(parse(compiled.spec), { renderer: 'none', logLevel: ErrorLevel });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
