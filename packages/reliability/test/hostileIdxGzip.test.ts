// Hostile IDX, gzip files (decodeIdx with zlib and DecompressionStream): mutated gzip gives an array or a typed error, quickly, within a small multiple of the output cap.
// Runs scale with FMNIST_FUZZ_SCALE: 1 in `pnpm test:reliability`, 5 % in `pnpm test:quick`.
import { decodeIdx, gunzip, nodeGunzip } from '@fmnist/core/node';
import { gzipBytes } from '@fmnist/test-utils';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import {
  checkProperty,
  checkResult,
  measureAsync,
  mutate,
  mutation,
  SLACK,
  validIdx,
  warmUpInflaters,
} from '../src/index.ts';

beforeAll(warmUpInflaters);

it('mutated gzip files: decodeIdx (zlib and DecompressionStream) returns an array or a typed error', async () => {
  const { stats } = await checkProperty(
    {
      name: 'mutated gzip files (decodeIdx)',
      expected: 'array, INVALID_GZIP or INVALID_IDX, < 2 s, memory < 3x the output cap',
      runs: 10_000,
      seed: 3,
      timeout: 5000,
    },
    (stats) =>
      fc.asyncProperty(
        validIdx,
        fc.integer({ min: 1, max: 9 }),
        fc.array(
          mutation.filter(
            (m) => m.op === 'flip' || m.op === 'set' || m.op === 'truncate' || m.op === 'append',
          ),
          { maxLength: 3 },
        ),
        fc.boolean(),
        async (valid, level, mutations, useZlib) => {
          const input = mutate(gzipBytes(valid, level), mutations);
          // An explicit cap: mutated deflate data can describe long runs.
          const maxOutputBytes = Math.max(4096, 64 * input.length);
          await measureAsync(
            stats,
            input,
            async () => {
              const result = await decodeIdx(input, {
                gunzip: useZlib ? nodeGunzip : gunzip,
                maxOutputBytes,
              });
              checkResult(result, 4 + 4 * result.shape.length + result.data.byteLength);
              if (result.data.byteLength > maxOutputBytes) throw new Error('output past the cap');
            },
            3 * maxOutputBytes + SLACK,
          );
        },
      ),
  );
  expect(stats.codes.INVALID_GZIP ?? 0).toBeGreaterThan(0);
});
