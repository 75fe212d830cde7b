// The release checks of every public package under packages/, discovered from disk: a package
// added later is checked without touching this file. Builds happen once, in globalSetup.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { releasePlan } from '../src/changesets.ts';
import {
  checkPacked,
  type PackedPackage,
  packPackage,
  runAttw,
  runPublint,
} from '../src/checks.ts';
import { publicPackages, workspacePackages } from '../src/workspace.ts';

const builds = inject('builds');
const packages = publicPackages();

function fail(title: string, lines: readonly string[]): never {
  throw new Error(`${title}\n${lines.map((line) => `  - ${line}`).join('\n')}`);
}

it('finds the public packages under packages/ (@fmnist/core at least)', () => {
  const names = packages.map((pkg) => pkg.manifest.name);
  expect(names).toContain('@fmnist/core');
  expect(new Set(names).size).toBe(names.length);
  // Every folder is either published (and checked below) or explicitly private.
  for (const pkg of workspacePackages()) {
    expect(pkg.manifest.private === true || names.includes(pkg.manifest.name)).toBe(true);
  }
});

it('the pending changesets parse and keep all @fmnist packages on one version', async () => {
  const plan = await releasePlan();
  const planned = plan.releases.filter((release) =>
    packages.some((pkg) => pkg.manifest.name === release.name),
  );
  const versions = new Set(planned.map((release) => release.newVersion));
  expect(versions.size, JSON.stringify(planned, null, 2)).toBeLessThanOrEqual(1);
});

describe.each(packages.map((pkg) => [pkg.manifest.name, pkg] as const))('%s', (name, pkg) => {
  const build = builds[name];
  let destination = '';
  let packed: PackedPackage | undefined;
  let packError: unknown;

  beforeAll(async () => {
    if (!build?.ok) return;
    destination = mkdtempSync(path.join(os.tmpdir(), 'fmnist-release-pack-'));
    try {
      packed = await packPackage(pkg, destination);
    } catch (error) {
      packError = error;
    }
  });
  afterAll(() => {
    if (destination) rmSync(destination, { recursive: true, force: true });
  });

  const requirePacked = (): PackedPackage => {
    if (!build?.ok) throw new Error(`${name} did not build, see its "builds" test`);
    if (!packed) throw packError ?? new Error(`${name} was not packed`);
    return packed;
  };

  it('builds (pnpm --filter <name> build)', () => {
    if (!build) throw new Error(`${name} was not built by globalSetup`);
    if (!build.ok) throw new Error(build.output);
  });

  it('passes publint --strict', async () => {
    requirePacked();
    const result = await runPublint(pkg);
    if (!result.ok) throw new Error(result.output);
  });

  it('has a complete package.json and a clean tarball', () => {
    const problems = checkPacked(pkg, requirePacked());
    if (problems.length > 0) fail(`${name}: ${problems.length} release problem(s):`, problems);
  });

  it('passes arethetypeswrong (esm-only profile) on the packed tarball', async () => {
    const result = await runAttw(requirePacked().tarballPath);
    if (!result.ok) throw new Error(result.output);
  });
});
