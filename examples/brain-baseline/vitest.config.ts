// Vitest config of the brain baseline: the shared definition, test files one at a time.
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.config.ts';

// One test file at a time: the headless Chromium run and the Node training both want the CPU,
// and this machine is shared.
export default mergeConfig(shared, { test: { fileParallelism: false } });
