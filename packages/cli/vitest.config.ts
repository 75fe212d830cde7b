// Vitest config of the CLI: the shared definition plus a global setup that builds the binary.
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.config.ts';

export default mergeConfig(shared, {
  test: {
    // The tests spawn the real built binary: build core and the CLI once before any test runs.
    globalSetup: ['./test/globalSetup.ts'],
  },
});
