// What a command may touch: its output streams, environment and abort signal.
/** A text stream the CLI writes to: `process.stdout` / `process.stderr` or a test double. */
export interface Output {
  /** Writes text; returns false when the caller should wait for `drain` (as Node streams do). */
  write(chunk: string): boolean;
  /** True when the stream is a terminal: progress bars and colours only go to terminals. */
  isTTY?: boolean;
  /** Terminal width in characters, when known. */
  columns?: number;
}

/** What a command may touch in its environment; passed in so `run()` works inside other programs. */
export interface CommandContext {
  /** Results (tables, JSON, progress, the `show` drawing). */
  stdout: Output;
  /** Errors and warnings, one sentence each. */
  stderr: Output;
  /** Environment variables (`FMNIST_DATA_DIR`, `FMNIST_CACHE_DIR`, `NO_COLOR`, ...). */
  env: Readonly<Record<string, string | undefined>>;
  /** Fires on Ctrl-C; long operations stop and the CLI exits with 130. */
  signal: AbortSignal;
}
