import { getDataset } from '@fmnist/core';
import { Error as ErrorLevel, logger, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { referencesFor } from './references.ts';
import type { CompareRow } from './rows.ts';
import { datasetTitle, formatAccuracy } from './table.ts';

/** A chart: a file stem (`accuracy`, `confusion-fashion-mnist-tfjs-cnn`), a title and its spec. */
export interface ChartSpec {
  name: string;
  title: string;
  spec: TopLevelSpec;
}

/**
 * Fonts for the charts: fonts with Helvetica's metrics first (Vega estimates text widths from
 * them when no canvas is around), then the ones found on Linux machines without them. Unquoted on
 * purpose: resvg ignores a list with quoted (`&quot;`) names and falls back to its default font.
 */
export const CHART_FONT = 'Helvetica, Arial, Liberation Sans, DejaVu Sans, sans-serif';

const FRAMEWORK_COLORS: [string, string][] = [
  ['tfjs', '#f28e2b'],
  ['onnxruntime-node', '#4e79a7'],
  ['onnxruntime-web', '#76b7b2'],
  ['brain.js', '#59a14f'],
  ['published reference', '#b0b0b0'],
];

const BASE_CONFIG = {
  font: CHART_FONT,
  background: 'white',
  padding: 12,
  view: { stroke: null },
  title: { fontSize: 15, anchor: 'start' as const, offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 400 },
  header: { labelFontSize: 13, labelFontWeight: 'bold' as const, titleFontSize: 0 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 300 },
};

function colorScale(groups: readonly string[]) {
  const used = FRAMEWORK_COLORS.filter(([name]) => groups.includes(name));
  const extra = groups.filter((g) => !FRAMEWORK_COLORS.some(([name]) => name === g));
  return {
    domain: [...used.map(([name]) => name), ...extra],
    range: [...used.map(([, color]) => color), ...extra.map(() => '#9c755f')],
  };
}

function datasetsOf(rows: readonly CompareRow[]): string[] {
  return [...new Set(rows.map((r) => r.dataset))];
}

/**
 * Largest first, per panel. `op: 'max'` because the layers' domains are unioned and a union keeps
 * only count/min/max sorts (a plain "sort by x" would be dropped with a warning).
 */
function descending(field: string) {
  return { field, op: 'max' as const, order: 'descending' as const };
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
  const groups = [...new Set(values.map((v) => v.group))];
  const y = { field: 'label', type: 'nominal' as const, sort: descending('accuracy'), title: null };
  const title = 'Test accuracy per baseline, with published reference numbers';
  return {
    name: 'accuracy',
    title,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title,
      config: BASE_CONFIG,
      data: { values },
      facet: {
        row: { field: 'dataset', type: 'nominal', title: null, sort: datasets.map(datasetTitle) },
      },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 420,
        height: { step: 22 },
        encoding: {
          y,
          x: {
            field: 'accuracy',
            type: 'quantitative',
            title: 'test accuracy (axis starts at 0.5)',
            scale: { domain: [0.5, 1], clamp: true },
          },
        },
        layer: [
          {
            mark: { type: 'bar', clip: true },
            encoding: {
              color: { field: 'group', type: 'nominal', title: null, scale: colorScale(groups) },
            },
          },
          {
            mark: { type: 'text', align: 'left', dx: 3, fontSize: 11 },
            encoding: { text: { field: 'text' } },
          },
        ],
      },
    },
  };
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
  const title = 'Per-class test accuracy (framework x class)';
  return {
    name: 'per-class',
    title,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title,
      config: BASE_CONFIG,
      data: { values },
      facet: {
        row: { field: 'dataset', type: 'nominal', title: null, sort: datasets.map(datasetTitle) },
      },
      resolve: { scale: { x: 'independent', y: 'independent' } },
      spec: {
        width: { step: 56 },
        height: { step: 24 },
        encoding: {
          x: {
            field: 'className',
            type: 'ordinal',
            title: null,
            sort: null,
            axis: { labelAngle: -35, orient: 'top' },
          },
          y: { field: 'label', type: 'nominal', title: null, sort: null },
        },
        layer: [
          {
            mark: 'rect',
            encoding: {
              color: {
                field: 'accuracy',
                type: 'quantitative',
                title: 'accuracy',
                scale: { scheme: 'viridis', domain: [0.4, 1], clamp: true },
                // An explicit length: by default it follows the plot height, which a faceted
                // chart sized by steps does not have (Vega then fails on "child_height").
                legend: { gradientLength: 120 },
              },
            },
          },
          {
            mark: { type: 'text', fontSize: 11 },
            encoding: {
              text: { field: 'text' },
              color: {
                condition: { test: 'datum.accuracy < 0.8', value: 'white' },
                value: 'black',
              },
            },
          },
        ],
      },
    },
  };
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
  return {
    name: `confusion-${chartStem(`${row.dataset}-${row.baseline}`)}`,
    title,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: {
        text: title,
        subtitle: 'confusion matrix: true class (rows) x predicted class (columns)',
      },
      config: BASE_CONFIG,
      data: { values },
      width: { step: 44 },
      height: { step: 30 },
      encoding: {
        x: {
          field: 'predicted',
          type: 'ordinal',
          sort: null,
          title: 'predicted',
          axis: { labelAngle: -35, orient: 'top' },
        },
        y: { field: 'actual', type: 'ordinal', sort: null, title: 'true class' },
      },
      layer: [
        {
          mark: 'rect',
          encoding: {
            color: {
              field: 'count',
              type: 'quantitative',
              title: 'images',
              scale: { type: 'sqrt', scheme: 'blues', domain: [0, max] },
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 10 },
          encoding: {
            text: { field: 'count', type: 'quantitative' },
            color: {
              condition: { test: `datum.count > ${max * 0.3}`, value: 'white' },
              value: 'black',
            },
          },
        },
      ],
    },
  };
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
  const groups = [...new Set(values.map((v) => v.group))];
  const title =
    kind === 'train'
      ? 'Training throughput (samples per second, higher is better)'
      : 'Inference throughput on the test split (images per second, higher is better)';
  return {
    name: kind === 'train' ? 'train-throughput' : 'inference-throughput',
    title,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title,
      config: BASE_CONFIG,
      data: { values },
      facet: {
        row: { field: 'dataset', type: 'nominal', title: null, sort: datasets.map(datasetTitle) },
      },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 420,
        height: { step: 24 },
        encoding: {
          y: { field: 'label', type: 'nominal', title: null, sort: descending('value') },
          x: {
            field: 'value',
            type: 'quantitative',
            title: kind === 'train' ? 'training samples/s' : 'inference images/s',
          },
        },
        layer: [
          {
            mark: 'bar',
            encoding: {
              color: { field: 'group', type: 'nominal', title: null, scale: colorScale(groups) },
            },
          },
          {
            mark: { type: 'text', align: 'left', dx: 3, fontSize: 11 },
            encoding: { text: { field: 'value', type: 'quantitative', format: ',.0f' } },
          },
        ],
      },
    },
  };
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
