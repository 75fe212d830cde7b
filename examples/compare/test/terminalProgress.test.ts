// Tests of the terminal progress display.
import { describe, expect, it } from 'vitest';
import { planJobs, resolveSettings } from '../src/plan.ts';
import type { CompareProgress } from '../src/progress.ts';
import { createProgressDisplay } from '../src/terminalProgress.ts';
import { fakeRow } from './fixtures.ts';

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = {
    isTTY,
    columns: 120,
    write: (chunk: string) => {
      chunks.push(chunk);
      return true;
    },
    // cli-progress's terminal helpers, for the bar display.
    cursorTo: () => true,
    clearLine: () => true,
    clearScreenDown: () => true,
    moveCursor: () => true,
    on: () => stream,
    removeListener: () => stream,
  };
  return { stream: stream as unknown as NodeJS.WriteStream, chunks };
}

const jobs = planJobs(resolveSettings());
function progress(index: number, phase: 'train' | 'evaluate', fraction: number): CompareProgress {
  return {
    index,
    jobs: jobs.length,
    job: jobs[index],
    progress: { phase, fraction, detail: `${phase} detail` },
    overall: 0.25,
    jobEtaSeconds: 70,
    etaSeconds: 200,
    elapsedSeconds: 30,
  };
}

describe('progress display', () => {
  it('prints plain lines without a terminal: one per phase change, throttled in between', () => {
    const { stream, chunks } = fakeStream(false);
    const display = createProgressDisplay('auto', { stream, everySeconds: 3600 });
    display.update(progress(0, 'train', 0.1));
    display.update(progress(0, 'train', 0.2));
    display.update(progress(0, 'evaluate', 0.9));
    display.jobEnd(jobs[0], { row: fakeRow('tfjs-mlp', { testAccuracy: 0.8123 }) });
    display.jobEnd(jobs[1], { error: 'boom\nstack' });
    display.stop();
    expect(chunks).toEqual([
      '[1/5 fashion-mnist/tfjs-mlp] train 10%: train detail | job ETA 1m10s | all 25%, ETA 3m20s\n',
      '[1/5 fashion-mnist/tfjs-mlp] evaluate 90%: evaluate detail | job ETA 1m10s | all 25%, ETA 3m20s\n',
      '✓ fashion-mnist/tfjs-mlp: tfjs mlp-128 on wasm accuracy 0.8123, trained in 10.0 s, 5000 images/s\n',
      '✗ fashion-mnist/onnx-mlp: boom\n',
    ]);
  });

  it('draws cli-progress bars on a terminal: the whole run and the current job, with ETAs', async () => {
    const { stream, chunks } = fakeStream(true);
    const display = createProgressDisplay('auto', { stream });
    display.update(progress(2, 'train', 0.5));
    // cli-progress redraws on a timer (10 per second): wait for the first full frame, however
    // late a loaded machine runs that timer (the test's own timeout bounds the wait).
    while (!/ETA 3m20s/.test(chunks.join(''))) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    display.stop();
    const text = chunks.join('');
    expect(text).toMatch(/all\s+[█░]+\s+25% \| job 3\/5, 30s so far, ETA 3m20s/);
    expect(text).toMatch(
      /fashion-mnist\/tfjs-cnn\s+[█░]+\s+50% \| train: train detail \| ETA 1m10s/,
    );
    expect(text).toMatch(/all\s+█+ 100% \| done/);
  });

  it('prints nothing with style none', () => {
    const { stream, chunks } = fakeStream(false);
    const display = createProgressDisplay('none', { stream });
    display.update(progress(0, 'train', 0.1));
    display.stop();
    expect(chunks).toEqual([]);
  });
});
