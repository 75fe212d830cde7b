// How `fmnist download` shows progress: a bar per file on a terminal, plain lines in logs.
import type { DatasetFile, LoadProgress } from '@fmnist/core/node';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { CommandContext } from './context.ts';

/** Human-readable byte count: `26.4 MB`. */
function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  if (n < 1_000_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  return `${(n / 1_000_000_000).toFixed(2)} GB`;
}

/** What a progress display does; a bar per file on terminals, plain lines elsewhere. */
export interface Display {
  /**
   * The file is already at `path` with the right sha256: nothing to download. `from` names the
   * variable of a data folder it was found through (`$FMNIST_DATA_DIR`).
   */
  cached(file: DatasetFile, path: string, from?: string): void;
  /** A progress event from core's download of a file. */
  progress(p: LoadProgress): void;
  /** The file was downloaded, verified and stored at `path`. */
  done(file: DatasetFile, path: string, bytes: number): void;
  /** The file's download stopped; `why` is a word or two (`failed`, `interrupted`). */
  failed(file: DatasetFile, why: string): void;
  /** Ends the display (releases the terminal for the bars). */
  stop(): void;
}

/** The shortest time a speed is computed over: below it the clock's resolution dominates. */
const MIN_SPEED_SECONDS = 0.001;

/**
 * Speed of the current attempt of each file. The attempt's clock starts at its first event
 * (the response headers), so a fast mirror that sends the whole file within a few ms still has
 * a real, non-zero speed: the elapsed time is floored at {@link MIN_SPEED_SECONDS}, and a speed
 * is unknown (undefined) only before any byte arrived.
 */
export class Meter {
  private attempt = -1;
  private start = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Bytes per second since the current attempt started; undefined before its first byte. */
  speed(p: LoadProgress): number | undefined {
    if (p.attempt !== this.attempt) {
      this.attempt = p.attempt;
      this.start = this.now();
    }
    if (p.loaded <= 0) return undefined;
    return p.loaded / Math.max(MIN_SPEED_SECONDS, (this.now() - this.start) / 1000);
  }

  /** Seconds since the current attempt started. */
  elapsed(): number {
    return (this.now() - this.start) / 1000;
  }
}

/** A new line about a silent request is printed only once this much more time has passed. */
export const WAITING_LINE_MS = 4000;

/** One bar per file (bytes, speed, time left), redrawn in place; for terminals. */
export function barDisplay(files: DatasetFile[], ctx: CommandContext): Display {
  const width = Math.max(...files.map((f) => f.name.length));
  // Everything but the bar takes about 62 columns; the bar gets what is left of the terminal.
  const columns = ctx.stdout.columns ?? 80;
  const multi = new MultiBar(
    {
      stream: ctx.stdout as unknown as NodeJS.WritableStream,
      format: '{file} {bar} {percentage}% {size} {speed} {remaining} {note}',
      hideCursor: true,
      autopadding: true,
      clearOnComplete: false,
      stopOnComplete: false,
      barsize: Math.max(8, Math.min(30, columns - width - 56)),
      fps: 10,
      // Redraw every bar each frame, so a finished bar keeps its final state.
      forceRedraw: true,
    },
    Presets.shades_classic,
  );
  const bars = new Map<string, { bar: SingleBar; meter: Meter; attempt: number }>();
  const sizeText = (loaded: number, total: number) =>
    `${formatBytes(loaded)}/${formatBytes(total)}`.padEnd(17);
  for (const f of files) {
    bars.set(f.name, {
      bar: multi.create(f.bytes, 0, {
        file: f.name.padEnd(width),
        size: sizeText(0, f.bytes),
        speed: ''.padStart(10),
        remaining: ''.padEnd(8),
        note: 'waiting',
      }),
      meter: new Meter(),
      attempt: 0,
    });
  }
  const get = (name: string) => bars.get(name)!;
  const finish = (file: DatasetFile, bytes: number, note: string) =>
    get(file.name).bar.update(bytes, {
      size: sizeText(bytes, bytes),
      remaining: ''.padEnd(8),
      note,
    });
  return {
    cached(file) {
      finish(file, file.bytes, 'present');
    },
    progress(p) {
      const entry = get(p.file);
      if (p.phase === 'waiting') {
        entry.bar.update({ note: `waiting ${Math.round((p.waitedMs ?? 0) / 1000)}s` });
        return;
      }
      if (p.phase === 'verify') {
        entry.bar.update({ note: 'sha256...' });
        return;
      }
      if (p.phase !== 'download') return;
      const speed = entry.meter.speed(p);
      const total = p.total ?? entry.bar.getTotal();
      if (p.attempt !== entry.attempt) {
        entry.attempt = p.attempt;
        entry.bar.setTotal(total);
      }
      const eta =
        speed && total > p.loaded ? `ETA ${formatSeconds((total - p.loaded) / speed)}` : '';
      entry.bar.update(p.loaded, {
        size: sizeText(p.loaded, total),
        speed: speed ? `${formatBytes(Math.round(speed))}/s`.padStart(10) : ''.padStart(10),
        remaining: eta.padEnd(8),
        note: p.attempt > 1 ? `try ${p.attempt}` : '',
      });
    },
    done(file, _path, bytes) {
      finish(file, bytes, 'ok');
    },
    failed(file, why) {
      get(file.name).bar.update({ note: why });
    },
    stop() {
      multi.stop();
    },
  };
}

/** `75s` / `3m05s`. */
function formatSeconds(seconds: number): string {
  const s = Math.ceil(seconds);
  return s < 100 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/**
 * Plain lines (start, every 25 %, done) that read well in logs and CI output. A request that
 * receives nothing gets a line every {@link WAITING_LINE_MS} of its silence (from core's
 * `waiting` events), so the command is never silent for long.
 */
export function lineDisplay(
  ctx: Pick<CommandContext, 'stdout'>,
  now: () => number = () => performance.now(),
): Display {
  const meters = new Map<
    string,
    { meter: Meter; attempt: number; quarter: number; waitedLine: number }
  >();
  const say = (text: string) => ctx.stdout.write(`${text}\n`);
  const stateOf = (file: string) => {
    let state = meters.get(file);
    if (!state) {
      state = { meter: new Meter(now), attempt: 0, quarter: 0, waitedLine: 0 };
      meters.set(file, state);
    }
    return state;
  };
  return {
    cached(file, path, from) {
      say(
        from
          ? `${file.name}: found in ${from} with the right sha256 (${path}); not downloading`
          : `${file.name}: already there with the right sha256 (${path})`,
      );
    },
    progress(p) {
      if (p.phase === 'waiting') {
        const state = stateOf(p.file);
        const waited = p.waitedMs ?? 0;
        // A new silence (waited below the last line's) starts counting again.
        if (waited < state.waitedLine) state.waitedLine = 0;
        // 10 % slack: core's events come every 2 s by the timer, give or take a millisecond.
        if (waited - state.waitedLine >= WAITING_LINE_MS * 0.9) {
          state.waitedLine = waited;
          const what = p.loaded > 0 ? `no data after ${formatBytes(p.loaded)}` : 'no answer yet';
          say(
            `${p.file}: waiting for ${p.url}: ${what} for ${Math.round(waited / 1000)} s (attempt ${p.attempt})`,
          );
        }
        return;
      }
      if (p.phase !== 'download') return;
      const state = stateOf(p.file);
      state.waitedLine = 0;
      const speed = state.meter.speed(p);
      if (p.attempt !== state.attempt) {
        state.attempt = p.attempt;
        state.quarter = 0;
        const size = p.total === undefined ? '' : ` (${formatBytes(p.total)})`;
        say(
          `${p.file}: ${p.attempt > 1 ? `attempt ${p.attempt}, ` : ''}downloading ${p.url}${size}`,
        );
      }
      // A line per quarter keeps logs short but shows that a big file is moving.
      if (p.total && p.total > 1_000_000) {
        const quarter = Math.floor((p.loaded / p.total) * 4);
        if (quarter > state.quarter && quarter < 4) {
          state.quarter = quarter;
          const rate = speed === undefined ? '' : `, ${formatBytes(Math.round(speed))}/s`;
          say(
            `${p.file}: ${quarter * 25}% (${formatBytes(p.loaded)} of ${formatBytes(p.total)}${rate})`,
          );
        }
      }
    },
    done(file, path, bytes) {
      const state = meters.get(file.name);
      const seconds = state ? state.meter.elapsed() : 0;
      const rate = seconds > 0 ? `, ${formatBytes(Math.round(bytes / seconds))}/s` : '';
      say(
        `${file.name}: done, ${formatBytes(bytes)} in ${seconds.toFixed(1)} s${rate}, sha256 ok (${path})`,
      );
    },
    failed(file, why) {
      say(`${file.name}: ${why}`);
    },
    stop() {},
  };
}
