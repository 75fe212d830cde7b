// biome-ignore-all assist/source/organizeImports: exports are grouped by source file, not sorted
// The helpers of the reliability suite, listed explicitly. One marked section per source file.

// ledger.ts
export type { CaseRecord, Category, SummaryRow } from './ledger.ts';
export {
  CATEGORIES,
  formatCases,
  formatSummary,
  ledgerFile,
  readLedger,
  record,
  resetLedger,
  resultsDir,
  summarize,
} from './ledger.ts';

// cacheAudit.ts
export type { CacheAudit } from './cacheAudit.ts';
export { auditCache } from './cacheAudit.ts';

// runCase.ts
export type { CaseContext, CaseSpec } from './runCase.ts';
export { describeFailure, notProducible, rejection, runCase } from './runCase.ts';

// fixtures.ts
export type { FixtureDataset, FixtureOptions } from './fixtures.ts';
export { FIXTURE_NAMES, fixtureDataset, fixtureRoutes, sameBytes, sha256 } from './fixtures.ts';

// otherHost.ts
export type { OtherHost } from './otherHost.ts';
export { startOtherHost } from './otherHost.ts';

// children.ts
export type { Child, SpawnOptions } from './children.ts';
export {
  cleanEnv,
  cliBin,
  cliMissing,
  packageDir,
  repoRoot,
  runToEnd,
  spawnCli,
  spawnNode,
  spawnScript,
} from './children.ts';

// mounts.ts
export { NOBODY, cannotMount, isRoot, mountTmpfs, remountReadOnly } from './mounts.ts';
