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
  /** The file is already at `path` with the right sha256: nothing to download. */
  cached(file: DatasetFile, path: string): void;
  /** A progress event from core's download of a file. */
  progress(p: LoadProgress): void;
  /** The file was downloaded, verified and stored at `path`. */
  done(file: DatasetFile, path: string, bytes: number): void;
  /** The file's download stopped; `why` is a word or two (`failed`, `interrupted`). */
  failed(file: DatasetFile, why: string): void;
  /** Ends the display (releases the terminal for the bars). */
  stop(): void;
}

/** Speed of the current attempt of each file. */
class Meter {
  private attempt = -1;
  private start = 0;

  /** Bytes per second since the current attempt started. */
  speed(p: LoadProgress): number {
    if (p.attempt !== this.attempt) {
      this.attempt = p.attempt;
      this.start = performance.now();
    }
    const seconds = (performance.now() - this.start) / 1000;
    return seconds > 0.05 ? p.loaded / seconds : 0;
  }

  /** Seconds since the current attempt started. */
  elapsed(): number {
    return (performance.now() - this.start) / 1000;
  }
}

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
        speed > 0 && total > p.loaded ? `ETA ${formatSeconds((total - p.loaded) / speed)}` : '';
      entry.bar.update(p.loaded, {
        size: sizeText(p.loaded, total),
        speed: speed > 0 ? `${formatBytes(Math.round(speed))}/s`.padStart(10) : ''.padStart(10),
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

/** Plain lines (start, every 25 %, done) that read well in logs and CI output. */
export function lineDisplay(ctx: CommandContext): Display {
  const meters = new Map<string, { meter: Meter; attempt: number; quarter: number }>();
  const say = (text: string) => ctx.stdout.write(`${text}\n`);
  return {
    cached(file, path) {
      say(`${file.name}: already there with the right sha256 (${path})`);
    },
    progress(p) {
      if (p.phase !== 'download') return;
      let state = meters.get(p.file);
      if (!state) {
        state = { meter: new Meter(), attempt: 0, quarter: 0 };
        meters.set(p.file, state);
      }
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
          say(
            `${p.file}: ${quarter * 25}% (${formatBytes(p.loaded)} of ${formatBytes(p.total)}, ${formatBytes(Math.round(speed))}/s)`,
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
