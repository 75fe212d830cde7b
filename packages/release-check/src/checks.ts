// The release checks run per package: build output, publint, arethetypeswrong and the tarball.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatFailure, runCommand } from './exec.ts';
import { checkManifest, checkTarball, importedPackages } from './rules.ts';
import { readTarball, type TarballFile } from './tarball.ts';
import { type Manifest, publicPackages, repoRoot, type WorkspacePackage } from './workspace.ts';

/** This package's folder, whose node_modules holds the tools (publint, attw, verdaccio). */
export const releaseCheckDir = path.join(repoRoot, 'packages', 'release-check');

/**
 * Absolute path of a tool's bin script from this package's own node_modules (read from the
 * tool's package.json directly: some tools do not export `./package.json`).
 */
export function toolBin(packageName: string, binName: string): string {
  const manifestPath = path.join(releaseCheckDir, 'node_modules', packageName, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[binName];
  if (!bin) throw new Error(`${packageName} has no bin "${binName}"`);
  return path.join(path.dirname(manifestPath), bin);
}

/** The outcome of one step: ok, or not ok with the tool's output as the reason. */
export interface StepResult {
  ok: boolean;
  /** The tool output (always kept: dry runs and failures print it). */
  output: string;
  ms: number;
}

/** Env for tools whose output ends up in test failures: no colours, no update nags. */
const QUIET_ENV = {
  NO_COLOR: '1',
  FORCE_COLOR: '0',
  NO_UPDATE_NOTIFIER: '1',
  npm_config_update_notifier: 'false',
};

/** `pnpm --filter <name> build`. A public package without a build script fails: it must ship dist. */
export async function buildPackage(pkg: WorkspacePackage): Promise<StepResult> {
  if (!pkg.manifest.scripts?.build) {
    return {
      ok: false,
      output: `${pkg.manifest.name} has no "build" script: a published package must build dist/ with declarations`,
      ms: 0,
    };
  }
  const result = await runCommand('pnpm', ['--filter', pkg.manifest.name, 'build'], {
    cwd: repoRoot,
    env: QUIET_ENV,
    timeoutMs: 300_000,
  });
  return {
    ok: result.code === 0,
    output: result.code === 0 ? result.stdout : formatFailure(result, repoRoot),
    ms: result.ms,
  };
}

/**
 * `publint --strict` on the package folder (publint packs it with pnpm itself). Anything but
 * "All good!" fails, suggestions included: each one is cheap to fix and would otherwise pile up.
 */
export async function runPublint(pkg: WorkspacePackage): Promise<StepResult> {
  const result = await runCommand(
    process.execPath,
    [toolBin('publint', 'publint'), '--strict', pkg.dir],
    { cwd: pkg.dir, env: QUIET_ENV, timeoutMs: 120_000 },
  );
  const clean = result.code === 0 && /All good!/.test(result.stdout);
  return {
    ok: clean,
    output: clean ? result.stdout.trim() : formatFailure(result, pkg.dir),
    ms: result.ms,
  };
}

/**
 * arethetypeswrong on the tarball pnpm made (the exact bytes `pnpm publish` uploads, with
 * `workspace:` versions replaced) instead of `attw --pack`, which would run `npm pack` again.
 * `esm-only`: the packages ship ESM only, so CommonJS `require` resolutions are not judged.
 */
export async function runAttw(tarballPath: string): Promise<StepResult> {
  const result = await runCommand(
    process.execPath,
    [toolBin('@arethetypeswrong/cli', 'attw'), tarballPath, '--profile', 'esm-only', '--no-emoji'],
    { cwd: path.dirname(tarballPath), env: QUIET_ENV, timeoutMs: 180_000 },
  );
  return {
    ok: result.code === 0,
    output: result.code === 0 ? result.stdout.trim() : formatFailure(result),
    ms: result.ms,
  };
}

/** A packed package: its tarball on disk, its files and the manifest inside it. */
export interface PackedPackage {
  tarballPath: string;
  files: TarballFile[];
  manifest: Manifest;
}

/** `pnpm pack` into `destination` and read the tarball back. Throws with pnpm's output on failure. */
export async function packPackage(
  pkg: WorkspacePackage,
  destination: string,
): Promise<PackedPackage> {
  const result = await runCommand('pnpm', ['pack', '--json', '--pack-destination', destination], {
    cwd: pkg.dir,
    env: QUIET_ENV,
    timeoutMs: 120_000,
  });
  if (result.code !== 0) throw new Error(formatFailure(result, pkg.dir));
  // Lifecycle scripts may print before the JSON document.
  const json = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as { filename: string };
  const tarballPath = path.resolve(destination, json.filename);
  const files = readTarball(readFileSync(tarballPath));
  const manifestFile = files.find((file) => file.path === 'package.json');
  if (!manifestFile) throw new Error(`${tarballPath} has no package.json`);
  const manifest = JSON.parse(Buffer.from(manifestFile.data).toString('utf8')) as Manifest;
  return { tarballPath, files, manifest };
}

/** The manifest and tarball rules of `rules.ts` applied to one packed package. */
export function checkPacked(pkg: WorkspacePackage, packed: PackedPackage): string[] {
  const core = publicPackages().find((candidate) => candidate.manifest.name === '@fmnist/core');
  const imports = importedPackages(packed.files, packed.manifest.name);
  return [
    ...checkManifest(packed.manifest, {
      dirName: pkg.dirName,
      coreVersion: core?.manifest.version ?? '(no @fmnist/core package)',
      imports,
    }),
    ...checkTarball(packed.files, {
      manifest: packed.manifest,
      rootLicense: readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8'),
    }),
  ];
}

/** Everything the checks found out about one package. */
export interface PackageReport {
  name: string;
  version: string;
  dirName: string;
  build?: StepResult;
  publint?: StepResult;
  attw?: StepResult;
  /** Files of the tarball with their sizes, when packing worked. */
  files?: { path: string; bytes: number }[];
  /** Every problem found, each a readable message (tool output included). */
  problems: string[];
}

/** Options of {@link checkPackage}. */
export interface CheckOptions {
  /** Skip `pnpm --filter <name> build` (when turbo has just built everything). */
  skipBuild?: boolean;
}

/** Build (unless skipped), publint, pack, the manifest/tarball rules and attw for one package. */
export async function checkPackage(
  pkg: WorkspacePackage,
  options: CheckOptions = {},
): Promise<PackageReport> {
  const report: PackageReport = {
    name: pkg.manifest.name,
    version: pkg.manifest.version,
    dirName: pkg.dirName,
    problems: [],
  };
  if (!options.skipBuild) {
    report.build = await buildPackage(pkg);
    if (!report.build.ok) {
      report.problems.push(`build failed:\n${report.build.output}`);
      return report;
    }
  }
  report.publint = await runPublint(pkg);
  if (!report.publint.ok) report.problems.push(`publint --strict:\n${report.publint.output}`);

  const destination = mkdtempSync(path.join(os.tmpdir(), 'fmnist-pack-'));
  try {
    const packed = await packPackage(pkg, destination);
    report.files = packed.files.map((file) => ({ path: file.path, bytes: file.data.length }));
    report.problems.push(...checkPacked(pkg, packed));
    report.attw = await runAttw(packed.tarballPath);
    if (!report.attw.ok) report.problems.push(`attw --profile esm-only:\n${report.attw.output}`);
  } catch (error) {
    report.problems.push(`pnpm pack: ${(error as Error).message}`);
  } finally {
    rmSync(destination, { recursive: true, force: true });
  }
  return report;
}
