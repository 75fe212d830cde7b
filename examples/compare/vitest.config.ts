// Vitest config of the comparison: the shared one, one test file at a time.
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.config.ts';

// The end-to-end and browser tests each keep both cores of a small machine busy for minutes:
// run test files one at a time so that neither starves the other into a timeout.
export default mergeConfig(shared, { test: { fileParallelism: false } });
