// Writing a comparison's report files: compare.json, compare.md and charts/, replaced whole or not at all.
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from '@fmnist-examples/baseline-kit/node';
import type { ChartSpec } from './chartParts.ts';
import { renderSvg, reportCharts } from './charts.ts';
import { svgToPng } from './png.ts';
import { type ChartFile, type CompareReport, formatReportJson, renderMarkdown } from './report.ts';

/** Takes one file's content for `file`; {@link writeReportFiles} writes it once all are ready. */
export type FileWriter = (file: string, content: string | Uint8Array) => Promise<void>;

/**
 * Writes `compare.json`, the charts (`charts/*.svg`, and `*.png` unless `png` is false) and
 * `compare.md` into `outDir` (see {@link writeReportFiles} for how an earlier report is replaced).
 * Returns the absolute paths written.
 */
export async function writeReport(
  report: CompareReport,
  outDir: string,
  options: { png?: boolean } = {},
): Promise<string[]> {
  return writeReportFiles(outDir, async (write) => {
    await write(path.join(outDir, 'compare.json'), formatReportJson(report));
    const specs = report.results.length > 0 ? reportCharts(report.results) : [];
    const charts = await writeCharts(outDir, specs, options, write);
    await write(path.join(outDir, 'compare.md'), renderMarkdown(report, charts));
  });
}

/**
 * Lets `body` produce the report's files, then writes them: nothing on disk changes until every
 * file is rendered, so a run that fails midway (a chart that does not render, Ctrl-C) leaves the
 * previous report as it was. The charts folder is then replaced as a whole (written in a sibling
 * folder, renamed into place), so no chart of an earlier run stays behind; the other files are
 * each written to a temporary name and renamed. Returns the absolute paths written.
 */
export async function writeReportFiles(
  outDir: string,
  body: (write: FileWriter) => Promise<void>,
): Promise<string[]> {
  const pending: [string, string | Uint8Array][] = [];
  await body(async (file, content) => {
    pending.push([path.resolve(file), content]);
  });
  const chartsDir = path.resolve(outDir, 'charts');
  await mkdir(outDir, { recursive: true });
  const staging = await mkdtemp(path.join(outDir, '.charts-'));
  const previous = `${staging}.previous`;
  try {
    for (const [file, content] of pending) {
      if (path.dirname(file) === chartsDir) {
        await writeFileAtomically(path.join(staging, path.basename(file)), content);
      }
    }
    const moved = await rename(chartsDir, previous).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        return false;
      },
    );
    // Put the previous charts back if the new folder cannot take their place.
    await rename(staging, chartsDir).catch(async (error: unknown) => {
      if (moved) await rename(previous, chartsDir);
      throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(previous, { recursive: true, force: true });
  }
  for (const [file, content] of pending) {
    if (path.dirname(file) !== chartsDir) await writeFileAtomically(file, content);
  }
  return pending.map(([file]) => file);
}

/**
 * Renders each chart to `outDir/charts/<name>.svg` and, unless `png` is false, `<name>.png`;
 * returns them as the Markdown report links them.
 */
export async function writeCharts(
  outDir: string,
  specs: readonly ChartSpec[],
  options: { png?: boolean },
  write: FileWriter,
): Promise<ChartFile[]> {
  const charts: ChartFile[] = [];
  for (const chart of specs) {
    const svg = await renderSvg(chart.spec);
    await write(path.join(outDir, 'charts', `${chart.name}.svg`), svg);
    const entry: ChartFile = {
      name: chart.name,
      title: chart.title,
      svg: `charts/${chart.name}.svg`,
    };
    if (options.png !== false) {
      await write(path.join(outDir, 'charts', `${chart.name}.png`), svgToPng(svg));
      entry.png = `charts/${chart.name}.png`;
    }
    charts.push(entry);
  }
  return charts;
}
