// Vitest config of the release checks: the shared definition plus the one-time builds.
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.config.ts';

export default mergeConfig(shared, {
  test: {
    globalSetup: ['test/globalSetup.ts'],
    // The test files build, pack and install the same packages: one at a time, on 2 cores.
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
