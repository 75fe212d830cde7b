// Vitest config of the quick reliability run (test:quick): the full suite's config, lighter.
import { mergeConfig } from 'vitest/config';
import full from './vitest.reliability.config.ts';

// `pnpm test:quick` (while developing): the same suite, lighter: 5 % of the property runs, and
// fewer of the cases that start child processes (FMNIST_RELIABILITY_QUICK). The full run is
// `pnpm test:reliability` and `pnpm test` (and so CI) (vitest.reliability.config.ts).
export default mergeConfig(full, {
  test: { env: { FMNIST_FUZZ_SCALE: '0.05', FMNIST_RELIABILITY_QUICK: '1' } },
});
