// Hostile IDX, lying headers (decodeIdx, raw and gzipped): dims promising billions of items are rejected with INVALID_IDX before anything is allocated.
// Runs scale with FMNIST_FUZZ_SCALE: 1 in `pnpm test:reliability`, 5 % in `pnpm test:quick`.
import { decodeIdx, isFmnistError, nodeGunzip } from '@fmnist/core/node';
import { gzipBytes } from '@fmnist/test-utils';
import fc from 'fast-check';
import { beforeAll, it } from 'vitest';
import {
  billionHeader,
  checkProperty,
  measureAsync,
  SLACK,
  warmUpInflaters,
} from '../src/index.ts';

beforeAll(warmUpInflaters);

it('headers promising billions of items are rejected before allocating', async () => {
  await checkProperty(
    {
      name: 'headers promising >= 10^9 items (raw and gzipped)',
      expected: 'INVALID_IDX with < 64 kB allocated',
      runs: 10_000,
      seed: 4,
      timeout: 5000,
    },
    (stats) =>
      fc.asyncProperty(billionHeader, fc.boolean(), async (input, gzipped) => {
        // Same input raw and gzipped: the gzip path must not allocate for the promise either.
        const bytes = gzipped ? gzipBytes(input) : input;
        let code = '';
        await measureAsync(
          stats,
          bytes,
          async () => {
            try {
              await decodeIdx(bytes, { gunzip: nodeGunzip });
            } catch (error) {
              code = isFmnistError(error) ? error.code : '';
              throw error;
            }
          },
          SLACK,
        );
        if (code !== 'INVALID_IDX')
          throw new Error(`expected INVALID_IDX, got ${code || 'success'}`);
      }),
  );
});
