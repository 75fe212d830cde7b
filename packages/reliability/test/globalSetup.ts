// Before the suite: an empty ledger, and a fresh build of core and the CLI so that the spawned
// `fmnist` binary runs the current sources. After it: the summary table, printed and saved.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
// Straight from the files, not src/index.ts: this runs before core is built, outside the
// @fmnist/source condition, so nothing here may import @fmnist/core.
import { repoRoot } from '../src/children.ts';
import {
  formatCases,
  formatSummary,
  readLedger,
  resetLedger,
  resultsDir,
  summarize,
} from '../src/ledger.ts';

export default function setup(): () => void {
  resetLedger();
  // FMNIST_RELIABILITY_BUILD=0 skips the build (the CLI cases then run whatever dist/ holds).
  if (
    process.env.FMNIST_RELIABILITY_BUILD !== '0' &&
    existsSync(path.join(repoRoot, 'packages/cli/src/main.ts'))
  ) {
    execFileSync('pnpm', ['--filter', '@fmnist/core', '--filter', '@fmnist/cli', 'build'], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
  }
  return () => {
    const records = readLedger();
    if (records.length === 0) return;
    const summary = formatSummary(summarize(records));
    const cases = formatCases(records);
    const skipped = records.filter((r) => r.notProducible !== undefined);
    const notes = skipped.map((r) => `- ${r.category} / ${r.name}: ${r.notProducible}`).join('\n');
    writeFileSync(
      path.join(resultsDir, 'summary.md'),
      `${summary}\n${notes ? `\nNot producible here:\n${notes}\n` : ''}`,
    );
    writeFileSync(path.join(resultsDir, 'cases.md'), `${cases}\n`);
    writeFileSync(path.join(resultsDir, 'summary.json'), `${JSON.stringify(records, null, 2)}\n`);
    process.stdout.write(
      `\nReliability summary (${records.length} records; per case: ${path.relative(repoRoot, path.join(resultsDir, 'cases.md'))})\n\n${summary}\n${notes ? `\nNot producible here:\n${notes}\n` : ''}\n`,
    );
  };
}
