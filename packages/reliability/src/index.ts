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

// outputAudit.ts
export type { OutputAudit } from './outputAudit.ts';
export { auditOutputs } from './outputAudit.ts';

// watchDir.ts
export { waitForEntry } from './watchDir.ts';

// cliRuns.ts
export type { CliResult } from './cliRuns.ts';
export {
  cliOnRealData,
  expectExit,
  interruptWhileWriting,
  oneLine,
  realDataRoutes,
} from './cliRuns.ts';

// caseTest.ts
export type { CaseTestOptions } from './caseTest.ts';
export { caseTest, cliCannotRun } from './caseTest.ts';

// mirrorLoads.ts
export type { Loaded, Mirror, MirrorLoads, MirrorLoadsOptions } from './mirrorLoads.ts';
export { isolatedPlatform, loadFromMirrors, threeAttempts, useMirrorLoads } from './mirrorLoads.ts';

// idxFuzz.ts
export type { Details, PropertySpec, Stats } from './idxFuzz.ts';
export {
  baseSeed,
  checkProperty,
  checkResult,
  measureAsync,
  measureSync,
  newStats,
  product,
  reportProperty,
  runs,
  SLACK,
  warmUpInflaters,
} from './idxFuzz.ts';

// idxArbitraries.ts
export type { Mutation } from './idxArbitraries.ts';
export { billionHeader, mutate, mutation, randomInput, validIdx } from './idxArbitraries.ts';

// useTestServer.ts
export { useTestServer } from './useTestServer.ts';
