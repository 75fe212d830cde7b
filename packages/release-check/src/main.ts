// The release checks as a command: `pnpm --filter @fmnist/release-check run check [--skip-build]
// [--dry-run]`. The root scripts `release` and `release:dry` call it. Exits 1 on any problem.

import { formatPlan, releasePlan } from './changesets.ts';
import { checkPackage, type PackageReport } from './checks.ts';
import { publicPackages } from './workspace.ts';

const HELP = `Usage: release-check [--skip-build] [--dry-run]

Builds every public package under packages/ (pnpm --filter <name> build), then runs
publint --strict, packs it with pnpm and checks the tarball and its package.json, and runs
arethetypeswrong (esm-only profile) on the tarball.

  --skip-build  do not build (the packages were just built, e.g. by turbo)
  --dry-run     also print, per package, the version that would be published and the
                tarball's files, and the pending changesets' plan. Publishes nothing.`;

function kB(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}

function printReport(report: PackageReport): void {
  const ok = report.problems.length === 0;
  const files = report.files;
  const size = files ? `${files.length} files, ${kB(files.reduce((n, f) => n + f.bytes, 0))}` : '';
  const steps = [
    report.build && `build ${report.build.ok ? 'ok' : 'FAILED'}`,
    report.publint && `publint ${report.publint.ok ? 'ok' : 'FAILED'}`,
    report.attw && `attw ${report.attw.ok ? 'ok' : 'FAILED'}`,
    size,
  ].filter(Boolean);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${report.name}@${report.version}  ${steps.join(' | ')}`);
  for (const problem of report.problems) {
    console.log(`     - ${problem.replace(/\n/g, '\n       ')}`);
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const unknown = argv.filter((arg) => !['--skip-build', '--dry-run'].includes(arg));
  if (unknown.length > 0) {
    console.error(`Unknown argument(s): ${unknown.join(' ')}\n\n${HELP}`);
    return 2;
  }
  const skipBuild = argv.includes('--skip-build');
  const dryRun = argv.includes('--dry-run');
  const packages = publicPackages();
  console.log(
    `Release checks for ${packages.length} public packages: ${packages.map((p) => p.manifest.name).join(', ')}` +
      (skipBuild ? ' (already built)' : ''),
  );

  const reports: PackageReport[] = [];
  for (const pkg of packages) {
    const report = await checkPackage(pkg, { skipBuild });
    printReport(report);
    reports.push(report);
  }
  let failed = reports.some((report) => report.problems.length > 0);

  if (dryRun) {
    console.log(
      '\nDry run: nothing is published. `pnpm release` would publish, with `changeset publish`:',
    );
    for (const report of reports) {
      const files = [...(report.files ?? [])].sort((a, b) => a.path.localeCompare(b.path));
      const total = files.reduce((n, f) => n + f.bytes, 0);
      console.log(
        `\n${report.name}@${report.version}  (${files.length} files, ${kB(total)} unpacked)`,
      );
      for (const file of files) console.log(`  ${kB(file.bytes).padStart(10)}  ${file.path}`);
    }
    console.log('\n(changeset publish skips a version that is already on the registry.)');
    try {
      const plan = await releasePlan();
      console.log(
        `\n${formatPlan(
          plan,
          packages.map((p) => p.manifest.name),
        ).join('\n')}`,
      );
    } catch (error) {
      failed = true;
      console.log(`\nFAIL the pending changesets do not parse:\n${(error as Error).message}`);
    }
  }

  console.log(
    failed
      ? '\nRelease checks FAILED: fix the problems above before releasing.'
      : '\nAll release checks passed.',
  );
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
