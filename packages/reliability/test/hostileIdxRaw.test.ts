// Hostile IDX, raw files (parseIdx): random bytes and mutated valid files (flipped bytes, truncation, trailing junk, forged dims, rank and type bytes) give a consistent array or INVALID_IDX, quickly, within a small multiple of the input in memory.
// Runs scale with FMNIST_FUZZ_SCALE: 1 in `pnpm test:reliability`, 5 % in `pnpm test:quick`.
import { parseIdx } from '@fmnist/core/node';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import {
  checkProperty,
  checkResult,
  measureSync,
  mutate,
  mutation,
  randomInput,
  SLACK,
  validIdx,
  warmUpInflaters,
} from '../src/index.ts';

beforeAll(warmUpInflaters);

function parseBudget(input: Uint8Array): number {
  // parseIdx copies at most the body once (byte-swapping multi-byte types).
  return 2 * input.length + SLACK;
}

it('random bytes: parseIdx returns a consistent array or INVALID_IDX', async () => {
  const { stats, details } = await checkProperty(
    {
      name: 'random bytes (parseIdx)',
      expected: 'array or INVALID_IDX, < 2 s, memory < 2x input + 64 kB',
      runs: 40_000,
      seed: 1,
    },
    (stats) =>
      fc.property(randomInput, (input) => {
        measureSync(
          stats,
          input,
          () => checkResult(parseIdx(input), input.length),
          parseBudget(input),
        );
      }),
  );
  expect(stats.ok + Object.values(stats.codes).reduce((a, b) => a + b, 0)).toBe(details.numRuns);
});

it('mutated valid files: parseIdx returns a consistent array or INVALID_IDX', async () => {
  const { stats } = await checkProperty(
    {
      name: 'mutated valid files (parseIdx)',
      expected: 'array or INVALID_IDX, < 2 s, memory < 2x input + 64 kB',
      runs: 50_000,
      seed: 2,
    },
    (stats) =>
      fc.property(validIdx, fc.array(mutation, { maxLength: 4 }), (valid, mutations) => {
        const input = mutate(valid, mutations);
        measureSync(
          stats,
          input,
          () => {
            const result = parseIdx(input);
            checkResult(result, input.length);
          },
          parseBudget(input),
        );
      }),
  );
  // The mutations must really produce both outcomes, or the property proves little.
  expect(stats.ok).toBeGreaterThan(0);
  expect(stats.codes.INVALID_IDX ?? 0).toBeGreaterThan(0);
});
