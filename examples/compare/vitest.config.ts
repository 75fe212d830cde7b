import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// The end-to-end and browser tests each keep both cores of a small machine busy for minutes:
// run test files one at a time so that neither starves the other into a timeout.
export default mergeConfig(shared, { test: { fileParallelism: false } });
