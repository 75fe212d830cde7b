// Merging comparison runs from many machines: the same work checked, the same run found twice, one record.

import { backendsUsed, machineLabel } from './machineLabel.ts';
import type { DatasetId, TrainingBaselineId } from './plan.ts';
import type { ReferenceScore } from './references.ts';
import type { CompareReport } from './report.ts';
import { referencesForDatasets } from './report.ts';
import type { CompareRow } from './rows.ts';

/** A `compare.json` to merge and where it came from (a path, or a file name in the page). */
export interface RunInput {
  /** Path or file name, for messages and the machines table. */
  source: string;
  /** The parsed file ({@link parseCompareJson}). */
  report: CompareReport;
}

/** One run of a merged report: its machine, settings and data, numbered in input order. */
export interface MergedRun {
  /** `'M1'`, `'M2'`, …: how tables and charts refer to it. */
  id: string;
  /** The file it came from. */
  source: string;
  /** Its recorded run id, or a stand-in for files written before runs had one. */
  runId: string;
  /** {@link machineLabel} of its machine. */
  label: string;
  /** The backends its rows used (onnxruntime's execution provider that ran). */
  backends: string;
  /** The run's own date, command (or page URL), duration, machine, settings, data, failures. */
  date: string;
  /** See {@link MergedRun.date}. */
  command: string;
  /** Wall-clock seconds of the run. */
  durationSeconds: number;
  /** As the run recorded it. */
  machine: CompareReport['machine'];
  /** As the run recorded them. */
  settings: CompareReport['settings'];
  /** The run's data fingerprints per dataset. */
  data: CompareReport['data'];
  /** The run's jobs that produced no row. */
  failures: NonNullable<CompareReport['failures']>;
}

/** A row of a merged report: a run's row and which run (machine) it came from. */
export interface MergedRow extends CompareRow {
  /** {@link MergedRun.id}. */
  run: string;
  /** `'M1 · <machine label>'`: the machine dimension of the tables and charts. */
  machine: string;
}

/** A way in which the merged runs did not do the same work, with each run's value. */
export interface WorkDifference {
  /** What differs: `'seed'`, `'test images of fashion-mnist'`, `'epochs of tfjs-mlp'`. */
  what: string;
  /** Each run's value (`'not recorded'` where it has none). */
  values: { run: string; value: string }[];
}

/** `merged.json`: the runs side by side, each row tagged with its machine. */
export interface MergedReport {
  /** Format version of this file. */
  format: 1;
  /** Tells a `merged.json` from a `compare.json`. */
  kind: 'merged';
  /** ISO date of the merge. */
  date: string;
  runs: MergedRun[];
  /** Every dataset any run has, in the comparison's order. */
  datasets: DatasetId[];
  /** Empty unless merged with `allowDifferent`. */
  differences: WorkDifference[];
  /** Runs given twice and skipped, and other notes, as sentences. */
  warnings: string[];
  /** Every run's rows, in run order. */
  results: MergedRow[];
  /** The published numbers quoted for {@link MergedReport.datasets}. */
  references: ReferenceScore[];
}

/** Options of {@link mergeRuns}. */
export interface MergeOptions {
  /** Merge runs that did different work, listing the differences in the report. Default false. */
  allowDifferent?: boolean;
  /** The merge's date (tests). Default now. */
  date?: string;
}

/** What {@link mergeRuns} did: a merged report, or why it refused. */
export type MergeOutcome =
  | { ok: true; merged: MergedReport }
  | { ok: false; message: string; differences: WorkDifference[] };

/** A fresh run id: `crypto.randomUUID()`, or random hex where a page is no secure context. */
export function newRunId(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  return Array.from(c.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

/**
 * The identity of a run: its run id, or for older files (no `runId`) its date, command, machine
 * and duration, which the same file given twice shares too.
 */
export function runKey(report: CompareReport): string {
  if (report.runId) return report.runId;
  const { date, command, machine, durationSeconds } = report;
  return `legacy:${date}|${command}|${machine.cpuModel}|${machine.cores}|${durationSeconds}`;
}

/**
 * Reads a `compare.json` text as a report to merge, or throws an `Error` that names `source`
 * and what is wrong (not JSON, not a comparison record, a merged record).
 */
export function parseCompareJson(text: string, source: string): CompareReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`);
  }
  const report = value as Partial<CompareReport> & { kind?: string };
  if (report?.kind === 'merged') {
    throw new Error(`${source} is a merged report: merge the compare.json files it came from`);
  }
  if (
    report?.format !== 1 ||
    !Array.isArray(report.results) ||
    typeof report.settings !== 'object' ||
    typeof report.machine !== 'object'
  ) {
    throw new Error(`${source} is not a compare.json (format 1 with settings, machine, results)`);
  }
  return { ...report, data: report.data ?? {} } as CompareReport;
}

/** Each value, and whether they all agree (a missing value never agrees). */
function difference(
  what: string,
  values: { run: string; value: string | null }[],
): WorkDifference | null {
  const shown = values.map((v) => ({ run: v.run, value: v.value ?? 'not recorded' }));
  const agree = values.every((v) => v.value !== null && v.value === values[0].value);
  return agree ? null : { what, values: shown };
}

/**
 * How the runs' work differs: seed, preprocessing, training and test prefixes, epochs of each
 * training baseline that more than one run trained, and, per dataset that several runs have,
 * the sha256 fingerprints of the test and training images and labels (a run without them cannot
 * be shown to have used the same data, so that counts as a difference too). Empty: same work.
 */
export function workDifferences(runs: readonly MergedRun[]): WorkDifference[] {
  if (runs.length < 2) return [];
  const all = (what: string, value: (run: MergedRun) => string | null) =>
    difference(
      what,
      runs.map((run) => ({ run: run.id, value: value(run) })),
    );
  const found = [
    all('seed', (r) => String(r.settings.seed)),
    all('preprocessing', (r) => r.settings.normalize),
    all('training images', (r) => String(r.settings.trainSamples ?? 'all')),
    all('test images', (r) => String(r.settings.testSamples ?? 'all')),
  ];
  const training: TrainingBaselineId[] = ['tfjs-mlp', 'tfjs-cnn', 'brain-mlp'];
  for (const id of training) {
    const ran = runs.filter((r) => r.settings.baselines.includes(id));
    if (ran.length < 2) continue;
    const values = ran.map((r) => ({ run: r.id, value: String(r.settings.epochs[id]) }));
    found.push(difference(`epochs of ${id}`, values));
  }
  for (const dataset of new Set(runs.flatMap((r) => r.settings.datasets))) {
    const ran = runs.filter((r) => r.settings.datasets.includes(dataset));
    if (ran.length < 2) continue;
    const test = ran.map((r) => ({ run: r.id, value: r.data[dataset]?.test ?? null }));
    found.push(difference(`test images of ${dataset} (sha256)`, test));
    const trained = ran.filter((r) => r.data[dataset]?.train !== null);
    const train = trained.map((r) => ({ run: r.id, value: r.data[dataset]?.train ?? null }));
    if (train.length >= 2) found.push(difference(`training images of ${dataset} (sha256)`, train));
  }
  return found.filter((d): d is WorkDifference => d !== null);
}

/** `'- seed: M1 42, M2 7'`, one line per difference. */
export function describeDifferences(differences: readonly WorkDifference[]): string[] {
  return differences.map(
    (d) => `- ${d.what}: ${d.values.map((v) => `${v.run} ${shortValue(v.value)}`).join(', ')}`,
  );
}

/** A fingerprint cut to 12 hex digits (enough to see which differ); other values as they are. */
function shortValue(value: string): string {
  return /^[0-9a-f]{64}$/.test(value) ? `${value.slice(0, 12)}…` : value;
}

/**
 * Merges comparison runs (each a `compare.json` from a Node run or the page's download) into one
 * report with the machine as a dimension. A run given twice (same run id) is skipped with a
 * warning, not refused: the second copy adds nothing. Runs that did different work (see
 * {@link workDifferences}) are refused unless `allowDifferent`, which merges them and lists the
 * differences in the report.
 */
export function mergeRuns(inputs: readonly RunInput[], options: MergeOptions = {}): MergeOutcome {
  const warnings: string[] = [];
  const seen = new Map<string, string>();
  const runs: MergedRun[] = [];
  const reports: CompareReport[] = [];
  for (const { source, report } of inputs) {
    const key = runKey(report);
    const first = seen.get(key);
    if (first !== undefined) {
      warnings.push(`${source} is the same run as ${first} (run id ${key}): skipped.`);
      continue;
    }
    seen.set(key, source);
    reports.push(report);
    runs.push({
      id: `M${runs.length + 1}`,
      source,
      runId: key,
      label: machineLabel(report),
      backends: backendsUsed(report.results),
      date: report.date,
      command: report.command,
      durationSeconds: report.durationSeconds,
      machine: report.machine,
      settings: report.settings,
      data: report.data ?? {},
      failures: report.failures ?? [],
    });
  }
  if (runs.length === 0) return { ok: false, message: 'no runs to merge', differences: [] };
  const differences = workDifferences(runs);
  if (differences.length > 0 && !options.allowDifferent) {
    const names = runs.map((r) => `${r.id} = ${r.source}`).join(', ');
    const message = [
      `These runs did different work, so their figures do not compare (${names}):`,
      ...describeDifferences(differences),
      'Run them with the same settings and data, or pass --allow-different to merge them anyway with the differences marked.',
    ].join('\n');
    return { ok: false, message, differences };
  }
  const order: DatasetId[] = ['fashion-mnist', 'mnist'];
  const datasets = order.filter((d) => runs.some((r) => r.settings.datasets.includes(d)));
  const results = runs.flatMap((run, i) =>
    reports[i].results.map((row) => ({ ...row, run: run.id, machine: runName(run) })),
  );
  return {
    ok: true,
    merged: {
      format: 1,
      kind: 'merged',
      date: options.date ?? new Date().toISOString(),
      runs,
      datasets,
      differences,
      warnings,
      results,
      references: referencesForDatasets(datasets),
    },
  };
}

/** `'M1 · <machine label>'`: how tables and chart legends name a run. */
export function runName(run: Pick<MergedRun, 'id' | 'label'>): string {
  return `${run.id} · ${run.label}`;
}
