// The programmatic API of @fmnist/cli. Most users run the `fmnist` binary; `run` is the same
// command line for programs and tests, and the helpers are the pieces the commands are made of.

// classes.ts
export { resolveClass, sanitizeClassName } from './classes.ts';
// context.ts
export type { CommandContext, Output } from './context.ts';
// errors.ts
export type { ExitCodeValue } from './errors.ts';
export { CliError, EXIT_CODE_TABLE, EXIT_CODES_HELP, ExitCode, exitCodeFor } from './errors.ts';
// info.ts
export type { DatasetInfo, FileInfo, SplitInfo } from './info.ts';
// npy.ts
export { npyHeader } from './npy.ts';
// preview.ts
export type { GridLayout } from './preview.ts';
export { cellOrigin, gridLayout, PREVIEW_LIMITS, renderBand, renderGrid } from './preview.ts';
// run.ts
export type { RunOptions } from './run.ts';
export { createProgram, run } from './run.ts';

// show.ts
export type { DrawMode } from './show.ts';
export { drawImage } from './show.ts';
