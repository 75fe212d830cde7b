// Vitest config of the full reliability suite: the shared definition, every case and the summary.
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.config.ts';

// The full suite (`pnpm test:reliability`): every case, 100,000+ hostile-IDX property runs.
export default mergeConfig(shared, {
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/globalSetup.ts'],
    // One file at a time: the timing cases (stalls, drips, Retry-After, SIGKILL at a moment)
    // must not compete with each other for two CPU cores.
    fileParallelism: false,
    testTimeout: 120_000,
    env: { FMNIST_FUZZ_SCALE: '1', FMNIST_RELIABILITY_QUICK: '0' },
  },
});
