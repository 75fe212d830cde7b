// The merged report's charts: accuracy, per-class and throughput with the machine as a dimension.
import {
  accuracyHeatmap,
  byDataset,
  type ChartSpec,
  chart,
  type RankedBarsOptions,
  rankedBars,
} from './chartParts.ts';
import type { MergedReport, MergedRow } from './merge.ts';
import { runName } from './merge.ts';
import { datasetTitle, formatAccuracy } from './table.ts';

/** The baseline a bar belongs to, whatever backend each machine ran it on. */
function baselineLabel(row: MergedRow): string {
  return `${row.framework} ${row.model}`;
}

/** The machine legend in run order: long labels kept whole, one per line under the chart. */
function machineColor(machines: readonly string[]) {
  return {
    field: 'machine',
    type: 'nominal',
    title: 'machine',
    scale: { domain: machines, scheme: 'tableau10' },
    legend: { orient: 'bottom', direction: 'vertical', labelLimit: 900 },
  };
}

/**
 * Horizontal bars grouped by baseline, one bar per machine inside each group, in the machine's
 * colour, with its value and backend beside it; one panel per dataset.
 */
function groupedBars(
  merged: MergedReport,
  values: readonly { dataset: string; baseline: string; machine: string }[],
  x: RankedBarsOptions['x'],
  clip = false,
): Record<string, unknown> {
  const machines = merged.runs.map(runName);
  const bars = rankedBars({
    values,
    y: 'baseline',
    x,
    step: 14,
    text: { field: 'text' },
    clip,
    offset: { field: 'machine', sort: machines },
    color: machineColor(machines),
  });
  const datasets = merged.datasets.filter((d) => values.some((v) => v.dataset === datasetTitle(d)));
  return byDataset(datasets, ['y'], bars);
}

/** Test accuracy per baseline, a bar per machine (axis from 0.5, like the single-run chart). */
export function mergedAccuracyChart(merged: MergedReport): ChartSpec {
  const values = merged.results.map((r) => ({
    dataset: datasetTitle(r.dataset),
    baseline: baselineLabel(r),
    machine: r.machine,
    accuracy: r.testAccuracy,
    text: `${formatAccuracy(r.testAccuracy)} ${r.backend}`,
  }));
  const x = {
    field: 'accuracy',
    title: 'test accuracy (axis starts at 0.5)',
    scale: { domain: [0.5, 1], clamp: true },
  };
  const title = 'Test accuracy per baseline and machine';
  return chart('accuracy', title, values, groupedBars(merged, values, x, true));
}

/** Training samples/s (rows that trained) or inference images/s (all rows), a bar per machine. */
export function mergedThroughputChart(
  merged: MergedReport,
  kind: 'train' | 'inference',
): ChartSpec {
  const field = kind === 'train' ? 'trainSamplesPerSecond' : 'inferenceImagesPerSecond';
  const values = merged.results
    .filter((r) => kind === 'inference' || r.role === 'trained')
    .map((r) => {
      const value = typeof r[field] === 'number' && Number.isFinite(r[field]) ? r[field] : 0;
      return {
        dataset: datasetTitle(r.dataset),
        baseline: baselineLabel(r),
        machine: r.machine,
        value,
        text: `${Math.round(value).toLocaleString('en-US')} ${r.backend}`,
      };
    });
  const x = {
    field: 'value',
    title: kind === 'train' ? 'training samples/s' : 'inference images/s',
  };
  const title =
    kind === 'train'
      ? 'Training throughput per machine (samples per second, higher is better)'
      : 'Inference throughput per machine (images per second, higher is better)';
  const name = kind === 'train' ? 'train-throughput' : 'inference-throughput';
  return chart(name, title, values, groupedBars(merged, values, x));
}

/** Per-class test accuracy: a heatmap row per baseline and machine, a column per class. */
export function mergedPerClassChart(merged: MergedReport): ChartSpec {
  const values = merged.results.flatMap((r) =>
    r.perClassAccuracy.map((accuracy, i) => ({
      dataset: datasetTitle(r.dataset),
      label: `${baselineLabel(r)} (${r.backend}) · ${r.run}`,
      className: String(i),
      accuracy,
      text: accuracy.toFixed(2),
    })),
  );
  const cells = accuracyHeatmap({ width: 40, height: 22, fontSize: 10, classTitle: 'class' });
  const title =
    'Per-class test accuracy per baseline and machine (M1, M2, … as in the machines table)';
  return chart('per-class', title, values, byDataset(merged.datasets, ['x', 'y'], cells));
}

/** Every chart of a merged report: accuracy, per-class, the throughputs. */
export function mergedCharts(merged: MergedReport): ChartSpec[] {
  if (merged.results.length === 0) return [];
  const charts = [mergedAccuracyChart(merged), mergedPerClassChart(merged)];
  if (merged.results.some((r) => r.role === 'trained')) {
    charts.push(mergedThroughputChart(merged, 'train'));
  }
  charts.push(mergedThroughputChart(merged, 'inference'));
  return charts;
}
