// The result tables (baselines, references, dataset against dataset) as Markdown or HTML.
import { referencesFor } from './references.ts';
import type { CompareRow } from './rows.ts';

/** One table cell: its text and whether it holds the best figure of its column. */
export interface TableCell {
  text: string;
  best: boolean;
}

/** A table ready to render as Markdown or HTML. */
export interface Table {
  headers: string[];
  /** `'left'` for text columns, `'right'` for numbers. */
  align: ('left' | 'right')[];
  rows: TableCell[][];
}

/** A text column, or a figure column whose best value can be marked. */
type Column =
  | { header: string; align: 'left'; text: (row: CompareRow) => string }
  | {
      header: string;
      align: 'right';
      /** Which end is best. */
      best: 'max' | 'min';
      /** The figure, or null where the row has none (not measured, or not this row's). */
      value: (row: CompareRow) => number | null;
      format: (value: number) => string;
    };

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

/** A measured number, or null where the row has none (0 and NaN mean "not measured" here). */
function measured(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

/** Training figures only count for rows that trained. */
function trained(row: CompareRow, value: unknown): number | null {
  return row.role === 'trained' ? measured(value) : null;
}

/** `0.91234` -> `'0.9123'`. */
export function formatAccuracy(value: number): string {
  return value.toFixed(4);
}

const COLUMNS: Column[] = [
  { header: 'baseline', align: 'left', text: (r) => `${r.framework} ${r.model}` },
  {
    header: 'runtime · backend',
    align: 'left',
    text: (r) =>
      `${r.runtime} · ${r.backend}${typeof r.threads === 'number' && r.threads > 1 ? ` (${r.threads} threads)` : ''}`,
  },
  { header: 'device', align: 'left', text: (r) => r.device },
  {
    header: 'training',
    align: 'left',
    text: (r) =>
      r.role === 'trained'
        ? `${integer.format(r.trainSamples)} × ${r.epochs} epoch${r.epochs === 1 ? '' : 's'}`
        : `model of ${r.trainedBy ?? 'another row'}`,
  },
  {
    header: 'test accuracy',
    align: 'right',
    best: 'max',
    value: (r) => (Number.isFinite(r.testAccuracy) ? r.testAccuracy : null),
    format: formatAccuracy,
  },
  {
    header: 'train time (s)',
    align: 'right',
    best: 'min',
    value: (r) => trained(r, r.trainSeconds),
    format: (v) => oneDecimal.format(v),
  },
  {
    header: 'train samples/s',
    align: 'right',
    best: 'max',
    value: (r) => trained(r, r.trainSamplesPerSecond),
    format: (v) => integer.format(v),
  },
  {
    header: 'inference images/s',
    align: 'right',
    best: 'max',
    value: (r) => measured(r.inferenceImagesPerSecond),
    format: (v) => integer.format(v),
  },
  {
    header: 'peak RSS (MB)',
    align: 'right',
    best: 'min',
    value: (r) => measured(r.peakRssMB),
    format: (v) => integer.format(v),
  },
];

/**
 * The comparison table for one dataset's rows: one row per baseline, the best figure of each
 * column marked, on every row that ties for it at the printed precision (e.g. a tfjs model and
 * its ONNX export with the same accuracy). Training columns of inference-only rows are blank:
 * those figures are the tfjs row's. A column with fewer than two figures marks nothing.
 */
export function resultTable(rows: readonly CompareRow[]): Table {
  return {
    headers: COLUMNS.map((c) => c.header),
    align: COLUMNS.map((c) => c.align),
    rows: rows.map((row) =>
      COLUMNS.map((column) => {
        if (column.align === 'left') return { text: column.text(row), best: false };
        const value = column.value(row);
        if (value === null) return { text: '–', best: false };
        const values = rows.map(column.value).filter((v): v is number => v !== null);
        const best = column.best === 'max' ? Math.max(...values) : Math.min(...values);
        const text = column.format(value);
        return { text, best: values.length >= 2 && text === column.format(best) };
      }),
    ),
  };
}

/**
 * The published reference numbers for a dataset (see `references.ts`), with how many of this
 * comparison's rows reach each one.
 */
export function referenceTable(dataset: string, rows: readonly CompareRow[]): Table {
  return {
    headers: ['published reference', 'test accuracy', 'rows of this run at or above it'],
    align: ['left', 'right', 'right'],
    rows: referencesFor(dataset).map((ref) => {
      const above = rows.filter((r) => r.testAccuracy >= ref.accuracy).length;
      return [
        { text: ref.name, best: false },
        { text: ref.accuracy.toFixed(3), best: false },
        { text: `${above} of ${rows.length}`, best: false },
      ];
    }),
  };
}

/**
 * Accuracy of each baseline on every dataset, side by side, with the drop from MNIST to
 * Fashion-MNIST (the dataset's claim: the same models find Fashion-MNIST harder).
 */
export function datasetTable(rows: readonly CompareRow[], datasets: readonly string[]): Table {
  const keys = [...new Set(rows.map((r) => `${r.baseline}`))];
  const headers = ['baseline', ...datasets.map((d) => `${datasetTitle(d)} accuracy`)];
  const pair = datasets.includes('fashion-mnist') && datasets.includes('mnist');
  if (pair) headers.push('MNIST − Fashion-MNIST');
  return {
    headers,
    align: headers.map((_, i) => (i === 0 ? 'left' : 'right')),
    rows: keys.map((key) => {
      const byDataset = datasets.map((d) =>
        rows.find((r) => r.baseline === key && r.dataset === d),
      );
      const first = byDataset.find((r) => r !== undefined);
      const cells: TableCell[] = [
        { text: first ? `${first.framework} ${first.model}` : key, best: false },
        ...byDataset.map((r) => ({ text: r ? formatAccuracy(r.testAccuracy) : '–', best: false })),
      ];
      if (pair) {
        const f = rows.find((r) => r.baseline === key && r.dataset === 'fashion-mnist');
        const m = rows.find((r) => r.baseline === key && r.dataset === 'mnist');
        const gap = f && m ? m.testAccuracy - f.testAccuracy : undefined;
        cells.push({
          text: gap === undefined ? '–' : `${gap >= 0 ? '+' : ''}${(gap * 100).toFixed(2)} pts`,
          best: false,
        });
      }
      return cells;
    }),
  };
}

/** `'fashion-mnist'` -> `'Fashion-MNIST'`, `'mnist'` -> `'MNIST'`. */
export function datasetTitle(dataset: string): string {
  if (dataset === 'fashion-mnist') return 'Fashion-MNIST';
  if (dataset === 'mnist') return 'MNIST';
  return dataset;
}

/** A GitHub-flavoured Markdown table; best cells in bold with a ★. */
export function tableToMarkdown(table: Table): string {
  const escapeCell = (text: string) => text.replace(/\|/g, '\\|');
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(table.headers.map(escapeCell)),
    line(table.align.map((a) => (a === 'right' ? '---:' : '---'))),
    ...table.rows.map((row) =>
      line(row.map((c) => (c.best ? `**${escapeCell(c.text)}** ★` : escapeCell(c.text)))),
    ),
  ].join('\n');
}

/** An HTML `<table>` (for the browser page); best cells get `class="best"` and a ★. */
export function tableToHtml(table: Table): string {
  const escapeHtml = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const head = table.headers
    .map((h, i) => `<th style="text-align:${table.align[i]}">${escapeHtml(h)}</th>`)
    .join('');
  const body = table.rows
    .map(
      (row) =>
        `<tr>${row
          .map(
            (c, i) =>
              `<td style="text-align:${table.align[i]}"${c.best ? ' class="best"' : ''}>${escapeHtml(c.text)}${c.best ? ' ★' : ''}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}
