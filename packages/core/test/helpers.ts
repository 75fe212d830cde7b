// Assertion helpers shared by core's tests: an expected FmnistError rejection, fast byte equality, sha256.
import { createHash } from 'node:crypto';
import { FmnistError, isFmnistError } from '@fmnist/core';
import { expect } from 'vitest';

/** The FmnistError `promise` rejects with; fails the test when it resolves or throws another error. */
export async function failure(promise: Promise<unknown>): Promise<FmnistError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a rejection').toBeInstanceOf(FmnistError);
  return error as FmnistError;
}

/** Byte equality via Buffer.equals: toEqual walks typed arrays element by element, slowly. */
export function expectSame(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  expect(Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected)).toBe(true);
}

/** Lowercase hex sha256 with node:crypto (independent of core's own hashing). */
export const sha256 = (bytes: Uint8Array): string =>
  createHash('sha256').update(bytes).digest('hex');

/**
 * The message of the FmnistError with `code` that `fn` throws synchronously; fails the test when
 * it returns or throws anything else.
 */
export function errorOf(fn: () => unknown, code = 'INVALID_ARGUMENT'): string {
  try {
    fn();
  } catch (e) {
    expect(isFmnistError(e), String(e)).toBe(true);
    expect((e as FmnistError).code).toBe(code);
    return (e as Error).message;
  }
  throw new Error('expected a throw');
}
