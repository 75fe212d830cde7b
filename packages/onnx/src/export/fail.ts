// The exporter's one error: every problem is an INVALID_ARGUMENT naming exportTfjsToOnnx.
import { FmnistError } from '@fmnist/core';

/** Throws the exporter's `INVALID_ARGUMENT` error, prefixed so users see which call failed. */
export function fail(message: string): never {
  throw new FmnistError('INVALID_ARGUMENT', `exportTfjsToOnnx: ${message}`);
}
