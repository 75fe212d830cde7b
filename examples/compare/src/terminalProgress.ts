// The progress display of `pnpm start` on a terminal: two bars, or one line per phase.
import cliProgress from 'cli-progress';
import type { JobSpec } from './plan.ts';
import { type CompareProgress, formatDuration } from './progress.ts';
import type { CompareRow } from './rows.ts';

/** `auto`: bars on a terminal, plain lines otherwise (CI logs, pipes). */
export type ProgressStyle = 'auto' | 'bars' | 'lines' | 'none';

/** What the command line feeds its progress display. */
export interface ProgressDisplay {
  update(progress: CompareProgress): void;
  log(line: string): void;
  jobEnd(job: JobSpec, outcome: { row: CompareRow } | { error: string }): void;
  stop(): void;
}

function jobEndLine(job: JobSpec, outcome: { row: CompareRow } | { error: string }): string {
  if ('error' in outcome) return `✗ ${job.id}: ${outcome.error.split('\n')[0]}`;
  const r = outcome.row;
  const train = r.role === 'trained' ? `, trained in ${r.trainSeconds.toFixed(1)} s` : '';
  return `✓ ${job.id}: ${r.framework} ${r.model} on ${r.backend} accuracy ${r.testAccuracy.toFixed(4)}${train}, ${Math.round(r.inferenceImagesPerSecond)} images/s`;
}

/**
 * The progress display of `pnpm start`: two cli-progress bars on a terminal (the whole comparison
 * with its ETA, and the running job with its phase and ETA), or one plain line per phase change
 * and at most one every `everySeconds` otherwise.
 */
export function createProgressDisplay(
  style: ProgressStyle = 'auto',
  options: { stream?: NodeJS.WriteStream; everySeconds?: number } = {},
): ProgressDisplay {
  const stream = options.stream ?? process.stdout;
  const resolved = style === 'auto' ? (stream.isTTY ? 'bars' : 'lines') : style;
  if (resolved === 'none') return { update() {}, log() {}, jobEnd() {}, stop() {} };
  if (resolved === 'lines') return lineDisplay(stream, options.everySeconds ?? 10);
  return barDisplay(stream);
}

function lineDisplay(stream: NodeJS.WriteStream, everySeconds: number): ProgressDisplay {
  let lastKey = '';
  let lastTime = 0;
  const write = (line: string) => stream.write(`${line}\n`);
  return {
    update(p) {
      const key = `${p.index}/${p.progress.phase}`;
      const now = performance.now();
      if (key === lastKey && now - lastTime < everySeconds * 1000) return;
      lastKey = key;
      lastTime = now;
      write(
        `[${p.index + 1}/${p.jobs} ${p.job.id}] ${p.progress.phase} ${Math.round(p.progress.fraction * 100)}%: ${p.progress.detail}` +
          ` | job ETA ${formatDuration(p.jobEtaSeconds)} | all ${Math.round(p.overall * 100)}%, ETA ${formatDuration(p.etaSeconds)}`,
      );
    },
    log: (line) => write(`    ${line}`),
    jobEnd: (job, outcome) => write(jobEndLine(job, outcome)),
    stop() {},
  };
}

function barDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  const multibar = new cliProgress.MultiBar(
    {
      stream,
      format: '{name} {bar} {percentage}% | {detail}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
      // ETAs come from ProgressTracker (weighted by job); cli-progress's own would reset per job.
      etaBuffer: 1,
    },
    cliProgress.Presets.shades_classic,
  );
  const overall = multibar.create(1000, 0, { name: 'all'.padEnd(26), detail: 'starting' });
  let jobBar: cliProgress.SingleBar | undefined;
  let jobIndex = -1;
  return {
    update(p) {
      if (p.index !== jobIndex) {
        if (jobBar) multibar.remove(jobBar);
        jobIndex = p.index;
        jobBar = multibar.create(1000, 0, { name: p.job.id.padEnd(26), detail: '' });
      }
      overall.update(Math.round(p.overall * 1000), {
        detail: `job ${p.index + 1}/${p.jobs}, ${formatDuration(p.elapsedSeconds)} so far, ETA ${formatDuration(p.etaSeconds)}`,
      });
      jobBar?.update(Math.round(p.progress.fraction * 1000), {
        detail: `${p.progress.phase}: ${p.progress.detail.slice(0, 70)} | ETA ${formatDuration(p.jobEtaSeconds)}`,
      });
    },
    log: (line) => multibar.log(`    ${line}\n`),
    jobEnd: (job, outcome) => multibar.log(`${jobEndLine(job, outcome)}\n`),
    stop() {
      if (jobBar) multibar.remove(jobBar);
      overall.update(1000, { detail: 'done' });
      multibar.stop();
    },
  };
}
