// Vitest config of the quick reliability run (test:quick): the shared definition, lighter.
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.config.ts';

// `pnpm test:quick` (while developing): the same suite, lighter: 5 % of the property runs, and
// fewer of the cases that start child processes (FMNIST_RELIABILITY_QUICK). The full run is
// `pnpm test:reliability` and `pnpm test` (and so CI) (vitest.reliability.config.ts).
export default mergeConfig(shared, {
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/globalSetup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    env: { FMNIST_FUZZ_SCALE: '0.05', FMNIST_RELIABILITY_QUICK: '1' },
  },
});
