// The Vega-Lite pieces every comparison chart shares: style, dataset panels, bars, heatmaps.
import type { TopLevelSpec } from 'vega-lite';
import { datasetTitle } from './table.ts';

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

/** A field encoding, as loose as Vega-Lite's own (the specs are checked by rendering them). */
type Encoding = Record<string, unknown>;

/**
 * A whole chart: the schema, its title (a subtitle makes it `{ text, subtitle }`), the house
 * style and the data, around `body` (encodings and layers, or a facet from {@link byDataset}).
 */
export function chart(
  name: string,
  title: string,
  values: readonly object[],
  body: Record<string, unknown>,
  subtitle?: string,
): ChartSpec {
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: subtitle === undefined ? title : { text: title, subtitle },
    config: BASE_CONFIG,
    data: { values },
    ...body,
  };
  return { name, title, spec: spec as TopLevelSpec };
}

/**
 * One panel per dataset, stacked in `datasets` order; the channels in `independent` get their own
 * scale per panel (each dataset its own bars or classes).
 */
export function byDataset(
  datasets: readonly string[],
  independent: readonly ('x' | 'y')[],
  spec: Record<string, unknown>,
): Record<string, unknown> {
  return {
    facet: {
      row: { field: 'dataset', type: 'nominal', title: null, sort: datasets.map(datasetTitle) },
    },
    resolve: { scale: Object.fromEntries(independent.map((channel) => [channel, 'independent'])) },
    spec,
  };
}

function colorScale(groups: readonly string[]) {
  const used = FRAMEWORK_COLORS.filter(([name]) => groups.includes(name));
  const extra = groups.filter((g) => !FRAMEWORK_COLORS.some(([name]) => name === g));
  return {
    domain: [...used.map(([name]) => name), ...extra],
    range: [...used.map(([, color]) => color), ...extra.map(() => '#9c755f')],
  };
}

/**
 * Largest first, per panel. `op: 'max'` because the layers' domains are unioned and a union keeps
 * only count/min/max sorts (a plain "sort by x" would be dropped with a warning).
 */
function descending(field: string) {
  return { field, op: 'max' as const, order: 'descending' as const };
}

/** Options of {@link rankedBars}. */
export interface RankedBarsOptions {
  /**
   * The data: each value has a `label` (the bar; or the `y` field), a `group` (its colour,
   * unless `color` is given) and the `x` field.
   */
  values: readonly { group?: string; [field: string]: unknown }[];
  /** The field the bars are labelled by on the y axis. Default `'label'`. */
  y?: string;
  /** The quantitative axis; bars are sorted by this field, largest first. */
  x: { field: string; title: string; scale?: Record<string, unknown> };
  /** Pixels per bar. */
  step: number;
  /** The text printed right of each bar. */
  text: Encoding;
  /** Clip bars at the axis (for an axis that does not start at 0). */
  clip?: boolean;
  /**
   * Grouped bars: one bar per value of this field inside each label's band (`yOffset`), in
   * `sort` order; `step` is then the height of one of those bars.
   */
  offset?: { field: string; sort: readonly string[] };
  /** The bars' colour encoding. Default: by `group`, in the frameworks' colours. */
  color?: Encoding;
}

/**
 * A panel of horizontal bars, one per label (or one per `offset` value in each label's band),
 * coloured by framework, with its value beside it, the largest first.
 */
export function rankedBars(options: RankedBarsOptions): Record<string, unknown> {
  const { x, clip, offset } = options;
  const groups = [
    ...new Set(options.values.map((v) => v.group).filter((g): g is string => g !== undefined)),
  ];
  const color = options.color ?? {
    field: 'group',
    type: 'nominal',
    title: null,
    scale: colorScale(groups),
  };
  return {
    width: 420,
    height: offset ? { step: options.step, for: 'offset' } : { step: options.step },
    encoding: {
      y: { field: options.y ?? 'label', type: 'nominal', title: null, sort: descending(x.field) },
      ...(offset ? { yOffset: { field: offset.field, type: 'nominal', sort: offset.sort } } : {}),
      x: {
        field: x.field,
        type: 'quantitative',
        title: x.title,
        ...(x.scale ? { scale: x.scale } : {}),
      },
    },
    layer: [
      {
        mark: clip ? { type: 'bar', clip: true } : 'bar',
        encoding: { color },
      },
      {
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 11 },
        encoding: { text: options.text },
      },
    ],
  };
}

/**
 * A per-class accuracy heatmap panel: a row per `label`, a column per `className`, cells coloured
 * on viridis from 0.4 to 1 with their accuracy printed in them (`text`).
 */
export function accuracyHeatmap(cell: {
  width: number;
  height: number;
  fontSize: number;
  classTitle: string | null;
}): Record<string, unknown> {
  const color = {
    field: 'accuracy',
    type: 'quantitative',
    title: 'accuracy',
    scale: { scheme: 'viridis', domain: [0.4, 1], clamp: true },
    // An explicit length: by default it follows the plot height, which a faceted chart sized by
    // steps does not have (Vega then fails on "child_height").
    legend: { gradientLength: 120 },
  };
  return {
    width: { step: cell.width },
    height: { step: cell.height },
    encoding: {
      x: classAxis('className', cell.classTitle),
      y: { field: 'label', type: 'nominal', title: null, sort: null },
    },
    layer: heatmapLayers(color, { field: 'text' }, cell.fontSize, 'datum.accuracy < 0.8'),
  };
}

/** A class axis along the top, in class order, labels slanted to fit class names. */
export function classAxis(field: string, title: string | null): Encoding {
  return { field, type: 'ordinal', title, sort: null, axis: { labelAngle: -35, orient: 'top' } };
}

/**
 * The two layers of a heatmap: cells coloured by `color`, each with its `text`, printed white
 * where the expression `darkCell` holds so that it stays readable on dark cells.
 */
export function heatmapLayers(
  color: Encoding,
  text: Encoding,
  fontSize: number,
  darkCell: string,
): Record<string, unknown>[] {
  return [
    { mark: 'rect', encoding: { color } },
    {
      mark: { type: 'text', fontSize },
      encoding: { text, color: { condition: { test: darkCell, value: 'white' }, value: 'black' } },
    },
  ];
}
