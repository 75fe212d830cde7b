// The merged report's tables and Markdown: the machines, then each dataset's rows grouped by machine.
import { machineColumns } from './machineLabel.ts';
import { describeDifferences, type MergedReport, type MergedRow, runName } from './merge.ts';
import { formatDuration } from './progress.ts';
import { type ChartFile, describeSettings, paritySentences } from './report.ts';
import {
  datasetTable,
  datasetTitle,
  formatAccuracy,
  referenceTable,
  resultTable,
  type Table,
  tableToMarkdown,
} from './table.ts';

/** The tables of a merged report, for Markdown (Node) and HTML (the page) alike. */
export interface MergedTables {
  /** One row per run: its file, machine, device, browser or Node, backends, date, duration. */
  machines: Table;
  /** Per dataset of the merge, in order. */
  datasets: {
    dataset: string;
    /** Every run's rows, grouped by machine; the best figure of each column over all machines. */
    results: Table;
    /** Test accuracy and throughputs per baseline (rows) and machine (columns). */
    byMachine: Table;
    /** The published numbers, with how many rows of all machines reach each. */
    references: Table;
    /** Per run: does each ONNX export predict what its tfjs model predicts? */
    parity: string[];
  }[];
  /** With runs on both datasets: each baseline's accuracy on both, per machine. */
  datasetPair: Table | null;
}

/** The machines table: one row per run. */
function machinesTable(merged: MergedReport): Table {
  const columns = merged.runs.map((run) => ({
    run,
    facts: machineColumns(
      run.machine,
      merged.results.filter((r) => r.run === run.id),
    ),
  }));
  const factNames = Object.keys(columns[0]?.facts ?? {});
  const headers = ['machine', 'file', ...factNames, 'date', 'duration'];
  return {
    headers,
    align: headers.map(() => 'left'),
    rows: columns.map(({ run, facts }) =>
      [
        run.id,
        run.source,
        ...factNames.map((name) => facts[name]),
        run.date,
        formatDuration(run.durationSeconds),
      ].map((text) => ({ text, best: false })),
    ),
  };
}

/**
 * {@link resultTable} over every machine's rows, with the machine in the first column: its
 * number and platform (`'M2 · Chrome 150.0…'`; the machines table has the rest).
 */
function groupedResults(rows: readonly MergedRow[]): Table {
  const table = resultTable(rows);
  const short = (row: MergedRow) => row.machine.split(' · ').slice(0, 2).join(' · ');
  return {
    headers: ['machine', ...table.headers],
    align: ['left', ...table.align],
    rows: table.rows.map((cells, i) => [{ text: short(rows[i]), best: false }, ...cells]),
  };
}

/** Baselines down, machines across: accuracy and the two throughputs of each. */
function byMachineTable(merged: MergedReport, rows: readonly MergedRow[]): Table {
  const runs = merged.runs.filter((run) => rows.some((r) => r.run === run.id));
  const baselines = [...new Set(rows.map((r) => r.baseline))];
  const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const cell = (row: MergedRow | undefined) => {
    if (!row) return '–';
    const train =
      row.role === 'trained' ? `${integer.format(row.trainSamplesPerSecond)} train/s, ` : '';
    return `${formatAccuracy(row.testAccuracy)} (${row.backend}; ${train}${integer.format(row.inferenceImagesPerSecond)} img/s)`;
  };
  return {
    headers: ['baseline', ...runs.map((run) => run.id)],
    align: ['left', ...runs.map(() => 'right' as const)],
    rows: baselines.map((baseline) => {
      const first = rows.find((r) => r.baseline === baseline)!;
      return [
        { text: `${first.framework} ${first.model}`, best: false },
        ...runs.map((run) => ({
          text: cell(rows.find((r) => r.run === run.id && r.baseline === baseline)),
          best: false,
        })),
      ];
    }),
  };
}

/** Every table of a merged report. */
export function mergedTables(merged: MergedReport): MergedTables {
  const datasets = merged.datasets.map((dataset) => {
    const rows = merged.results
      .filter((r) => r.dataset === dataset)
      .sort(
        (a, b) =>
          merged.runs.findIndex((r) => r.id === a.run) -
          merged.runs.findIndex((r) => r.id === b.run),
      );
    return {
      dataset,
      results: groupedResults(rows),
      byMachine: byMachineTable(merged, rows),
      references: referenceTable(dataset, rows),
      parity: merged.runs.flatMap((run) =>
        paritySentences(rows.filter((r) => r.run === run.id)).map((s) => `${run.id}: ${s}`),
      ),
    };
  });
  let datasetPair: Table | null = null;
  if (merged.datasets.length > 1) {
    // One "baseline" per baseline and machine, so that each machine's pair stays together.
    const keyed = merged.results.map((r) => ({
      ...r,
      baseline: `${r.baseline}@${r.run}` as MergedRow['baseline'],
      framework: `${r.run} ${r.framework}`,
    }));
    datasetPair = datasetTable(keyed, merged.datasets);
  }
  return { machines: machinesTable(merged), datasets, datasetPair };
}

/** The settings every run shared, or each run's where they differ. */
function settingsLines(merged: MergedReport): string[] {
  if (merged.differences.length === 0) {
    const { settings } = merged.runs[0];
    const prints = merged.datasets
      .map((d) => {
        const run = merged.runs.find((r) => r.data[d]) ?? merged.runs[0];
        const seen = run.data[d];
        if (!seen) return null;
        const train = seen.train ? `, training images ${seen.train.slice(0, 12)}…` : '';
        return `${datasetTitle(d)} test images sha256 ${seen.test.slice(0, 12)}…${train}`;
      })
      .filter(Boolean);
    return [
      `Every run did the same work: ${describeSettings(settings).replace(/^\*\*\w+\*\* mode: /, '')}`,
      ...(prints.length > 0 ? [`Same data on every machine (${prints.join('; ')}).`] : []),
    ];
  }
  return [
    '**Merged despite different work (`--allow-different`)**: figures of these runs do not compare one to one.',
    '',
    ...describeDifferences(merged.differences),
    '',
    ...merged.runs.map((run) => `- ${run.id}: ${describeSettings(run.settings)}`),
  ];
}

/** `compare.md` of a merged report: machines, then per dataset the rows grouped by machine. */
export function renderMergedMarkdown(
  merged: MergedReport,
  charts: readonly ChartFile[] = [],
): string {
  const tables = mergedTables(merged);
  const machines = new Set(merged.runs.map((r) => r.label)).size;
  const out: string[] = [
    `# Cross-framework comparison, merged: ${merged.datasets.map(datasetTitle).join(' and ')}, ${merged.runs.length} runs on ${machines} machine${machines === 1 ? '' : 's'}`,
    '',
    ...settingsLines(merged),
    '',
  ];
  if (merged.warnings.length > 0) out.push(...merged.warnings.map((w) => `- ${w}`), '');
  out.push('## Machines', '', tableToMarkdown(tables.machines), '');
  for (const run of merged.runs) {
    out.push(`- ${runName(run)}: \`${run.command}\``);
    for (const f of run.failures) out.push(`  - failed: \`${f.id}\`: ${f.error.split('\n')[0]}`);
  }
  out.push('');
  for (const section of tables.datasets) {
    out.push(`## ${datasetTitle(section.dataset)}`, '');
    out.push(tableToMarkdown(section.results), '');
    out.push('★ best in its column over every machine.', '');
    out.push('Per machine (test accuracy, backend, throughputs):', '');
    out.push(tableToMarkdown(section.byMachine), '');
    if (section.parity.length > 0) out.push(...section.parity.map((p) => `- ${p}`), '');
    out.push('Published reference numbers (quoted, not re-run):', '');
    out.push(tableToMarkdown(section.references), '');
  }
  if (tables.datasetPair) {
    out.push(
      '## Fashion-MNIST against MNIST, per machine',
      '',
      tableToMarkdown(tables.datasetPair),
      '',
    );
  }
  if (charts.length > 0) {
    out.push('## Charts', '');
    for (const chart of charts) out.push(`![${chart.title}](${chart.svg})`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
