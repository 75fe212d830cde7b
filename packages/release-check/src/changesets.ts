// The release plan: what the pending changesets would version, read from changeset status.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatFailure, runCommand } from './exec.ts';
import { repoRoot } from './workspace.ts';

/** One package's line of the release plan, as `changeset status --output` writes it. */
export interface PlannedRelease {
  name: string;
  type: 'major' | 'minor' | 'patch' | 'none';
  oldVersion: string;
  newVersion: string;
  changesets: string[];
}

/** What `pnpm version-packages` would do with the pending changesets. */
export interface ReleasePlan {
  changesets: { id: string; summary: string; releases: { name: string; type: string }[] }[];
  releases: PlannedRelease[];
}

/**
 * The release plan of the pending changesets (`changeset status --output`). Throws with the
 * changesets CLI's output when a changeset file does not parse, which would also stop
 * `changeset version` (a markdown formatter turning the front matter into a heading does that).
 */
export async function releasePlan(root = repoRoot): Promise<ReleasePlan> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fmnist-changesets-'));
  try {
    const output = path.join(dir, 'plan.json');
    const result = await runCommand(
      process.execPath,
      [
        path.join(root, 'node_modules', '@changesets', 'cli', 'bin.js'),
        'status',
        '--output',
        output,
      ],
      { cwd: root, env: { NO_COLOR: '1', FORCE_COLOR: '0' }, timeoutMs: 60_000 },
    );
    if (result.code !== 0) throw new Error(formatFailure(result, root));
    return JSON.parse(readFileSync(output, 'utf8')) as ReleasePlan;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The plan as printed by the dry run: each pending changeset, then the version every published
 * package moves to (all `@fmnist/*` together: they are one `fixed` group).
 */
export function formatPlan(plan: ReleasePlan, packageNames: readonly string[]): string[] {
  const lines = ['Pending changesets (`pnpm version-packages` applies them):'];
  if (plan.changesets.length === 0)
    lines.push('  none: `pnpm version-packages` would change nothing');
  for (const changeset of plan.changesets) {
    const releases = changeset.releases.map((r) => `${r.name} ${r.type}`).join(', ');
    lines.push(`  ${changeset.id}: ${releases}`);
  }
  for (const name of packageNames) {
    const release = plan.releases.find((r) => r.name === name);
    if (!release) lines.push(`  ${name}: not in the plan (a new package? run \`pnpm changeset\`)`);
    else if (release.type === 'none') lines.push(`  ${name}: stays at ${release.oldVersion}`);
    else lines.push(`  ${name}: ${release.oldVersion} -> ${release.newVersion} (${release.type})`);
  }
  return lines;
}
