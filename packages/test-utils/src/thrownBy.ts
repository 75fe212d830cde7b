// What a call throws, as a value: for tests that check the error's code and message themselves.

/**
 * Calls `fn` and returns what it threw, or `undefined` when it returned. The caller asserts on
 * the value (an error code, a message), so a call that does not throw fails those assertions.
 */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
