// The suite's results, one JSON line per case, appended by the test files (which run in worker
// processes) and summed up into the table that globalSetup prints once every file has run.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The suite's categories, in the order the summary table lists them. */
export const CATEGORIES = [
  'network (core)',
  'network (CLI)',
  'concurrency',
  'killed (SIGKILL)',
  'hostile IDX',
  'file system',
  'security',
  'inputs (files)',
  'inputs (descriptors, options)',
  'inputs (mirror URLs)',
  'outputs (CLI)',
  'exit codes (CLI)',
] as const;

/** One of {@link CATEGORIES}. */
export type Category = (typeof CATEGORIES)[number];

/** What one case (or one batch of property runs) did. */
export interface CaseRecord {
  category: Category;
  /** Short description of the fault, e.g. `503 with Retry-After: 1, then 200`. */
  name: string;
  /** What was expected: `recovered (retry)`, `INVALID_GZIP`, ... */
  expected: string;
  /** What happened, in the same words when the case passed. */
  outcome: string;
  /** Cases this record stands for: 1, or the number of property runs. */
  tried: number;
  /** How many of them passed. */
  passed: number;
  /** Files under a final cache name that fail their descriptor's sha256 (or are unknown). */
  corrupt: number;
  /** Leftover `*.tmp` files (never read; harmless, counted for the record). */
  temp: number;
  /** Set when the fault could not be produced on this machine: why. Such a case is not tried. */
  notProducible?: string;
  /** Numbers worth reporting (request counts, timings, sizes). */
  facts?: Record<string, unknown>;
}

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Folder of the ledger and the summary files (git-ignored). */
export const resultsDir = path.join(packageDir, 'results');

/** The ledger file: JSON lines, one {@link CaseRecord} each. */
export const ledgerFile = path.join(resultsDir, 'ledger.jsonl');

/** Empties the ledger; globalSetup calls it before any test file runs. */
export function resetLedger(): void {
  mkdirSync(resultsDir, { recursive: true });
  rmSync(ledgerFile, { force: true });
}

/**
 * Appends one record. appendFileSync of a single short line is one write(2) with O_APPEND, so
 * records from several workers never interleave.
 */
export function record(entry: CaseRecord): void {
  mkdirSync(resultsDir, { recursive: true });
  appendFileSync(ledgerFile, `${JSON.stringify(entry)}\n`);
}

/** Every record appended since the last {@link resetLedger}. */
export function readLedger(): CaseRecord[] {
  if (!existsSync(ledgerFile)) return [];
  return readFileSync(ledgerFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CaseRecord);
}

/** One row of the summary table. */
export interface SummaryRow {
  category: Category;
  /** Number of distinct cases (records) in the category. */
  cases: number;
  /** Total runs tried (property runs count one each). */
  tried: number;
  passed: number;
  corrupt: number;
  temp: number;
  /** Cases that could not be produced here, by name. */
  notProducible: string[];
}

/** Sums the records per category, in {@link CATEGORIES} order. */
export function summarize(records: readonly CaseRecord[]): SummaryRow[] {
  return CATEGORIES.map((category) => {
    const own = records.filter((r) => r.category === category);
    const produced = own.filter((r) => r.notProducible === undefined);
    return {
      category,
      cases: produced.length,
      tried: produced.reduce((n, r) => n + r.tried, 0),
      passed: produced.reduce((n, r) => n + r.passed, 0),
      corrupt: own.reduce((n, r) => n + r.corrupt, 0),
      temp: own.reduce((n, r) => n + r.temp, 0),
      notProducible: own.filter((r) => r.notProducible !== undefined).map((r) => r.name),
    };
  });
}

/** The summary as a Markdown table, with a totals row and the not-producible cases below it. */
export function formatSummary(rows: readonly SummaryRow[]): string {
  const lines = [
    '| category | cases | runs tried | runs passed | files left corrupt | temp files left | not producible here |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const total = { cases: 0, tried: 0, passed: 0, corrupt: 0, temp: 0, skipped: 0 };
  for (const row of rows) {
    lines.push(
      `| ${row.category} | ${row.cases} | ${row.tried} | ${row.passed} | ${row.corrupt} | ${row.temp} | ${row.notProducible.length} |`,
    );
    total.cases += row.cases;
    total.tried += row.tried;
    total.passed += row.passed;
    total.corrupt += row.corrupt;
    total.temp += row.temp;
    total.skipped += row.notProducible.length;
  }
  lines.push(
    `| **total** | **${total.cases}** | **${total.tried}** | **${total.passed}** | **${total.corrupt}** | **${total.temp}** | **${total.skipped}** |`,
  );
  return lines.join('\n');
}

/** One line per case: category, name, expected, outcome, facts; for the detailed report. */
export function formatCases(records: readonly CaseRecord[]): string {
  const lines = [
    '| category | case | expected | outcome | runs | corrupt |',
    '| --- | --- | --- | --- | ---: | ---: |',
  ];
  for (const category of CATEGORIES) {
    for (const r of records.filter((x) => x.category === category)) {
      const outcome = r.notProducible ? `not producible: ${r.notProducible}` : r.outcome;
      const facts = r.facts && Object.keys(r.facts).length > 0 ? ` (${formatFacts(r.facts)})` : '';
      lines.push(
        `| ${category} | ${escapeCell(r.name)} | ${escapeCell(r.expected)} | ${escapeCell(outcome + facts)} | ${r.passed}/${r.tried} | ${r.corrupt} |`,
      );
    }
  }
  return lines.join('\n');
}

function formatFacts(facts: Record<string, unknown>): string {
  return Object.entries(facts)
    .map(([key, value]) => `${key} ${typeof value === 'object' ? JSON.stringify(value) : value}`)
    .join(', ');
}

function escapeCell(text: string): string {
  // Pipes would end the cell; angle brackets (`<cache>`) would be read as HTML tags.
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, ' ');
}
