// Seeded randomness: the Mulberry32 PRNG and seeded shuffles of sample indices.
import { FmnistError } from './errors.ts';

/**
 * Tommy Ettinger's Mulberry32: a 32-bit-state PRNG that returns floats in `[0, 1)`.
 *
 * Each call adds the constant `0x6D2B79F5` to the state (mod 2^32) and mixes the new state with
 * two multiply-xorshift rounds (`Math.imul`, so every step is exact 32-bit integer arithmetic),
 * then divides the 32-bit result by 2^32:
 *
 * ```
 * state = (state + 0x6D2B79F5) | 0
 * t = imul(state ^ (state >>> 15), 1 | state)
 * t = (t + imul(t ^ (t >>> 7), 61 | t)) ^ t
 * return ((t ^ (t >>> 14)) >>> 0) / 4294967296
 * ```
 *
 * Nothing depends on floating-point rounding, so the same seed gives the same sequence, and every
 * shuffle built on it the same order, on every engine and platform (Node, browsers, Deno, Bun).
 * It is fast and good enough for shuffling data; it is not cryptographically secure.
 *
 * @param seed Any finite number; it is coerced to an unsigned 32-bit integer with `seed >>> 0`
 *   (so `-1` and `4294967295` are the same seed, and `1.9` is seed `1`).
 * @returns A function that returns the next number in `[0, 1)` on each call.
 * @throws FmnistError `INVALID_ARGUMENT` when `seed` is not a finite number.
 */
export function mulberry32(seed: number): () => number {
  let state = toSeed(seed);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The indices `0 .. count-1` in a seeded random order: a Fisher-Yates shuffle driven by
 * {@link mulberry32}. For `i` from `count - 1` down to `1` it swaps `i` with
 * `j = Math.floor(random() * (i + 1))`. The order is the same on every platform for the same
 * `(count, seed)`, which is what `batches({ shuffle: true, seed })` and every adapter rely on.
 *
 * @param count How many indices; an integer from 0 to 2^32 - 1.
 * @param seed PRNG seed, coerced with `seed >>> 0` (see {@link mulberry32}).
 * @throws FmnistError `INVALID_ARGUMENT` for a bad `count` or a non-finite `seed`.
 */
export function shuffledIndices(count: number, seed: number): Uint32Array {
  if (!Number.isInteger(count) || count < 0 || count > 0xffffffff) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `shuffledIndices: count must be an integer from 0 to 4294967295, got ${String(count)}.`,
      { details: { count } },
    );
  }
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  shuffleInPlace(order, mulberry32(seed));
  return order;
}

/**
 * Fisher-Yates in place with the given generator; the exact loop {@link shuffledIndices} uses,
 * shared with stratified splitting so both consume random numbers the same way.
 * @internal
 */
export function shuffleInPlace(array: Uint32Array, random: () => number): Uint32Array {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = array[i];
    array[i] = array[j];
    array[j] = tmp;
  }
  return array;
}

function toSeed(seed: number): number {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    // NaN >>> 0 is 0: silently shuffling with seed 0 would hide the caller's bug.
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `A seed must be a finite number, got ${String(seed)}.`,
      {
        details: { seed },
      },
    );
  }
  return seed >>> 0;
}
