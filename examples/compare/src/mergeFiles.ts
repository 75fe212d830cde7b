// `pnpm start --merge a.json b.json ...` in Node: read the runs' files, merge them, write the report.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type MergeOptions, type MergeOutcome, mergeRuns, parseCompareJson } from './merge.ts';
import { mergedCharts } from './mergeCharts.ts';
import { renderMergedMarkdown } from './mergeReport.ts';
import { formatReportJson } from './report.ts';
import { writeCharts, writeReportFiles } from './reportFiles.ts';

/** Exit code of `--merge` when the runs did different work and `--allow-different` is not given. */
export const DIFFERENT_WORK_EXIT_CODE = 2;

/** Options of {@link mergeFiles}. */
export interface MergeFilesOptions extends MergeOptions {
  /** Output folder of `merged.json`, `compare.md` and `charts/`. */
  outDir: string;
  /** Write PNG copies of the charts. Default true. */
  png?: boolean;
}

/**
 * Reads each `compare.json` (Node runs or the page's download), merges them with `mergeRuns` and,
 * when it merged, writes `merged.json`, `compare.md` and the charts (SVG, PNG) into `outDir`.
 * Returns the outcome and the absolute paths written (none on a refusal). A file that cannot be
 * read or is not a `compare.json` rejects with an `Error` naming it.
 */
export async function mergeFiles(
  files: readonly string[],
  options: MergeFilesOptions,
): Promise<{ outcome: MergeOutcome; files: string[] }> {
  const inputs = await Promise.all(
    files.map(async (file) => ({
      source: file,
      report: parseCompareJson(await readFile(file, 'utf8'), file),
    })),
  );
  const outcome = mergeRuns(inputs, options);
  if (!outcome.ok) return { outcome, files: [] };
  const { merged } = outcome;
  const outDir = path.resolve(options.outDir);
  // The merged record is not a compare.json (it would overwrite an input merged from outDir).
  const written = await writeReportFiles(outDir, async (write) => {
    await write(path.join(outDir, 'merged.json'), formatReportJson(merged));
    const charts = await writeCharts(outDir, mergedCharts(merged), options, write);
    await write(path.join(outDir, 'compare.md'), renderMergedMarkdown(merged, charts));
  });
  return { outcome, files: written };
}
