// The comparison report: compare.json's shape, the Markdown report and its parity sentences.
import type { CompareSettings } from './plan.ts';
import { formatDuration } from './progress.ts';
import { REFERENCE_SCORES, type ReferenceScore } from './references.ts';
import type { CompareRow } from './rows.ts';
import {
  datasetTable,
  datasetTitle,
  formatAccuracy,
  referenceTable,
  resultTable,
  tableToMarkdown,
} from './table.ts';

/** Where a comparison ran. Node fills the CPU fields, a browser the user agent and GPU. */
export interface MachineFacts {
  /** CPU model, e.g. `'Intel(R) Xeon(R) CPU @ 2.20GHz'` (`'unknown'` in a browser). */
  cpuModel: string;
  /** Logical cores (`os.availableParallelism()` or `navigator.hardwareConcurrency`). */
  cores: number;
  /** Total memory in GB, where known (`null` in most browsers). */
  memoryGB: number | null;
  /** `process.platform` / `process.arch`, or the browser's platform string. */
  platform: string;
  arch: string;
  /** `process.version` in Node, else null. */
  nodeVersion: string | null;
  /** The browser's user agent, else null. */
  userAgent?: string | null;
  /**
   * The GPU by name: in a browser the WebGL renderer (`WEBGL_debug_renderer_info`'s unmasked
   * renderer, else `RENDERER`; e.g. SwiftShader), in Node what `nvidia-smi` lists (null: none).
   */
  gpu?: string | null;
  /** The browser's name and version (e.g. `'Chromium 150.0.7390.0'`), else null. */
  browser?: string | null;
  /**
   * The WebGPU adapter a page got from `navigator.gpu.requestAdapter()` (its `info`), null when
   * the page has no WebGPU; absent in Node.
   */
  webgpu?: WebGpuAdapterFacts | null;
  /**
   * 1, 5 and 15-minute load averages when the run started (Node): other work on the machine
   * slows every baseline, and this says how much there was.
   */
  loadAverage?: number[];
}

/** A WebGPU adapter as `GPUAdapter.info` describes it (empty strings where the browser hides it). */
export interface WebGpuAdapterFacts {
  /** e.g. `'nvidia'`, `'apple'`, `'google'` (SwiftShader). */
  vendor: string;
  /** e.g. `'ampere'`, `'metal-3'`, `'swiftshader'`. */
  architecture: string;
  /** A device id, where the browser gives one. */
  device: string;
  /** A readable name, where the browser gives one. */
  description: string;
}

/** `compare.json`: everything a comparison measured, and how. */
export interface CompareReport {
  /** Format version of this file. */
  format: 1;
  /**
   * A random id of this run (`crypto.randomUUID()`), so that a merge sees the same run given
   * twice. Absent in files written before it existed.
   */
  runId?: string;
  /** ISO date the comparison finished. */
  date: string;
  /** The command (or page URL) that ran it. */
  command: string;
  settings: CompareSettings;
  machine: MachineFacts;
  /** Wall-clock seconds of the whole comparison, data loading and process starts included. */
  durationSeconds: number;
  /** One baseline result JSON per baseline and dataset, in run order. */
  results: CompareRow[];
  /** The published numbers the report quotes for the datasets that ran. */
  references: ReferenceScore[];
  /**
   * sha256 of the training and test images and labels each dataset's baselines used; every
   * baseline reported the same, which is how "same data" is checked rather than assumed.
   */
  data: Record<string, { train: string | null; test: string }>;
  /** Jobs that produced no row, with why (the other rows are still valid). */
  failures?: { id: string; error: string }[];
}

/** A chart as written next to the report, by paths relative to `compare.md`. */
export interface ChartFile {
  name: string;
  title: string;
  svg: string;
  png?: string;
}

/** One sentence per ONNX row: does the exported model score what the tfjs model scored? */
export function paritySentences(rows: readonly CompareRow[]): string[] {
  return rows
    .filter((r) => r.role === 'inference' && r.trainedBy)
    .map((r) => {
      const source = rows.find((s) => s.dataset === r.dataset && s.baseline === r.trainedBy);
      if (!source) return `${r.framework} ${r.model}: the ${r.trainedBy} row is missing.`;
      const a = source.confusionMatrix.flat();
      const b = r.confusionMatrix.flat();
      const moved = a.reduce((sum, count, i) => sum + Math.abs(count - (b[i] ?? 0)), 0) / 2;
      const same =
        moved === 0
          ? 'identical confusion matrices'
          : `${moved} of ${r.testSamples} predictions in other cells`;
      return (
        `${source.framework} ${source.model} (${source.backend}) ${formatAccuracy(source.testAccuracy)} -> ` +
        `exported to ONNX -> ${r.framework} (${r.backend}) ${formatAccuracy(r.testAccuracy)}: ${same}.`
      );
    });
}

/** One sentence: mode, training and test prefixes, seed, preprocessing and epochs. */
export function describeSettings(settings: CompareSettings): string {
  const train =
    settings.trainSamples === null
      ? 'all 60,000 training images'
      : `the first ${settings.trainSamples.toLocaleString('en-US')} training images`;
  const test =
    settings.testSamples === null
      ? 'all 10,000 test images'
      : `the first ${settings.testSamples.toLocaleString('en-US')} test images`;
  const epochs = Object.entries(settings.epochs)
    .filter(([id]) => settings.baselines.includes(id as never))
    .map(([id, n]) => `${id} ${n}`)
    .join(', ');
  return (
    `**${settings.mode}** mode: every baseline trained on ${train} and tested on ${test}, ` +
    `seed ${settings.seed}, pixels scaled to [0, 1]; epochs: ${epochs}.`
  );
}

/** `'nvidia ampere'`, with the description where the browser gives one. */
export function describeAdapter(adapter: WebGpuAdapterFacts): string {
  const name = [adapter.vendor, adapter.architecture, adapter.device].filter(Boolean).join(' ');
  const text = [name, adapter.description].filter(Boolean).join(', ');
  return text || 'unnamed';
}

function describeMachine(machine: MachineFacts): string {
  const parts = [
    `${machine.cpuModel} (${machine.cores} logical cores)`,
    machine.memoryGB === null ? null : `${machine.memoryGB} GB memory`,
    machine.nodeVersion ? `Node ${machine.nodeVersion}` : null,
    `${machine.platform} ${machine.arch}`,
    machine.gpu ? `GPU: ${machine.gpu}` : null,
    machine.webgpu ? `WebGPU adapter: ${describeAdapter(machine.webgpu)}` : null,
    machine.loadAverage ? `load average ${machine.loadAverage[0]} at the start` : null,
    machine.userAgent ? `browser: ${machine.browser ?? machine.userAgent}` : null,
  ];
  return parts.filter((p) => p !== null).join(', ');
}

/** `compare.md`: the tables per dataset, the references beside them, parity, and the charts. */
export function renderMarkdown(report: CompareReport, charts: readonly ChartFile[] = []): string {
  const datasets = report.settings.datasets;
  const out: string[] = [];
  out.push(`# Cross-framework comparison: ${datasets.map(datasetTitle).join(' and ')}`, '');
  out.push(describeSettings(report.settings), '');
  out.push(
    `Ran ${report.date} in ${formatDuration(report.durationSeconds)} with \`${report.command}\` on ${describeMachine(report.machine)}.`,
    '',
  );
  if (report.failures && report.failures.length > 0) {
    out.push('**Some baselines failed**, their rows are missing:', '');
    for (const f of report.failures) out.push(`- \`${f.id}\`: ${f.error.split('\n')[0]}`);
    out.push('');
  }
  for (const dataset of datasets) {
    const rows = report.results.filter((r) => r.dataset === dataset);
    out.push(`## ${datasetTitle(dataset)}`, '');
    if (rows.length === 0) {
      out.push('No results.', '');
      continue;
    }
    out.push(tableToMarkdown(resultTable(rows)), '');
    out.push(
      '★ best in its column. Each baseline ran in its own process, so peak RSS is its own. ' +
        'ONNX rows evaluate the model the tfjs row trained in this same comparison, exported to ONNX; ' +
        'their training columns are that row’s.',
      '',
    );
    const parity = paritySentences(rows);
    if (parity.length > 0) out.push(...parity.map((p) => `- ${p}`), '');
    out.push(
      `Published reference numbers for ${datasetTitle(dataset)} (trained on all 60,000 images; quoted, not re-run):`,
      '',
      tableToMarkdown(referenceTable(dataset, rows)),
      '',
    );
  }
  if (datasets.length > 1) {
    out.push('## Fashion-MNIST against MNIST', '');
    out.push(tableToMarkdown(datasetTable(report.results, datasets)), '');
    out.push(
      'The same models, settings and seed on both datasets: the gap is how much harder Fashion-MNIST is.',
      '',
    );
  }
  if (charts.length > 0) {
    out.push('## Charts', '');
    const [main, rest] = [
      charts.filter((c) => !c.name.startsWith('confusion-')),
      charts.filter((c) => c.name.startsWith('confusion-')),
    ];
    for (const chart of main) out.push(`![${chart.title}](${chart.svg})`, '');
    if (rest.length > 0) {
      out.push('Confusion matrices:', '');
      for (const chart of rest) out.push(`- [${chart.title}](${chart.svg})`);
      out.push('');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** The reference scores quoted for some datasets. */
export function referencesForDatasets(datasets: readonly string[]): ReferenceScore[] {
  return REFERENCE_SCORES.filter((r) => datasets.includes(r.dataset));
}

/**
 * `compare.json` (or `merged.json`) text: two-space JSON, but each array of numbers on one line
 * (the 10 x 10 confusion matrices stay readable as grids).
 */
export function formatReportJson(report: object): string {
  const json = JSON.stringify(report, null, 2).replace(
    /\[\s+(-?[\d.eE+-]+(?:,\s+-?[\d.eE+-]+)*)\s+\]/g,
    (_, inner: string) => `[${inner.split(/,\s+/).join(', ')}]`,
  );
  return `${json}\n`;
}
