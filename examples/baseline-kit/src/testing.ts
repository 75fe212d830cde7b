// biome-ignore-all assist/source/organizeImports: exports are grouped by source file, not sorted
// The exports of @fmnist-examples/baseline-kit/contract: what the baselines' tests share (vitest, Node).

// contract.ts
export type { BaselineContractRun, BaselineContractSubject } from './contract.ts';
export { contractSplits, describeBaselineContract } from './contract.ts';

// cliRun.ts
export type { BaselineCliOptions } from './cliRun.ts';
export { runBaselineCli } from './cliRun.ts';

// tempDir.ts
export { withTempDir } from './tempDir.ts';
