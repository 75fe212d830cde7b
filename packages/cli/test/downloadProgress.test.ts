// The plain-line progress of `fmnist download` with synthetic events: the speed of a fast mirror is never 0 B/s, and a silent request gets a line every few seconds, never more.
import type { LoadProgress } from '@fmnist/core/node';
import { describe, expect, it } from 'vitest';
import { lineDisplay, Meter, WAITING_LINE_MS } from '../src/downloadProgress.ts';

function capture() {
  const lines: string[] = [];
  const stdout = { write: (text: string) => lines.push(...text.split('\n').filter(Boolean)) };
  return { lines, ctx: { stdout } as never };
}

const event = (p: Partial<LoadProgress>): LoadProgress => ({
  file: 'f.gz',
  url: 'http://127.0.0.1:1/f.gz',
  loaded: 0,
  total: 4_000_000,
  attempt: 1,
  phase: 'download',
  ...p,
});

describe('download progress lines', () => {
  it('shows a real speed at 25/50/75 % when the whole file arrives within a millisecond', () => {
    let clock = 1000;
    const { lines, ctx } = capture();
    const display = lineDisplay(ctx, () => clock);
    display.progress(event({ loaded: 0 }));
    for (let loaded = 500_000; loaded <= 4_000_000; loaded += 500_000) {
      clock += 0.01; // 10 microseconds per chunk: a fast local mirror
      display.progress(event({ loaded }));
    }
    const quarters = lines.filter((l) => /: (25|50|75)% /.test(l));
    expect(quarters).toHaveLength(3);
    for (const line of quarters) {
      expect(line).not.toContain(' 0 B/s');
      expect(line).toMatch(/, [\d.]+ [kMG]?B\/s\)$/);
    }
  });

  it('computes the rate over the time since the attempt began', () => {
    let clock = 0;
    const meter = new Meter(() => clock);
    expect(meter.speed(event({ loaded: 0 }))).toBeUndefined();
    clock = 2000;
    expect(meter.speed(event({ loaded: 1_000_000 }))).toBe(500_000);
    // A new attempt starts a new clock.
    clock = 3000;
    expect(meter.speed(event({ loaded: 0, attempt: 2 }))).toBeUndefined();
    clock = 3500;
    expect(meter.speed(event({ loaded: 100_000, attempt: 2 }))).toBe(200_000);
  });

  it('prints a waiting line per 4 s of silence, so it is never silent for more than ~5 s', () => {
    const { lines, ctx } = capture();
    const display = lineDisplay(ctx, () => 0);
    // Core's waiting events every 2 s (a little jitter), for 30 s without an answer.
    const waited: number[] = [];
    for (let t = 2000; t <= 30_000; t += 2000) waited.push(t + (t % 3000 === 0 ? 3 : -1));
    for (const waitedMs of waited) display.progress(event({ phase: 'waiting', waitedMs }));
    const printed = lines.map((l) => Number(/for (\d+) s/.exec(l)?.[1]));
    expect(
      lines.every((l) => l.includes('waiting for http://127.0.0.1:1/f.gz: no answer yet')),
    ).toBe(true);
    expect(printed[0]).toBeLessThanOrEqual(5);
    for (let i = 1; i < printed.length; i++) {
      expect(printed[i] - printed[i - 1]).toBeGreaterThanOrEqual(WAITING_LINE_MS / 1000 - 1);
      expect(printed[i] - printed[i - 1]).toBeLessThanOrEqual(5);
    }
    expect(printed.length).toBe(7);
    // A new attempt's silence counts from zero again.
    display.progress(event({ phase: 'waiting', waitedMs: 2000, attempt: 2 }));
    display.progress(event({ phase: 'waiting', waitedMs: 4000, attempt: 2 }));
    expect(lines.at(-1)).toContain('for 4 s (attempt 2)');
  });
});
