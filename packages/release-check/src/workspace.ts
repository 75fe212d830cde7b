// The workspace as the release checks see it: the repository root and its package manifests.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file's location (packages/release-check/src). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The fields of a package.json these checks read. Anything else is kept as `unknown`. */
export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  description?: string;
  type?: string;
  license?: string;
  keywords?: string[];
  engines?: Record<string, string>;
  repository?: string | { type?: string; url?: string; directory?: string };
  sideEffects?: boolean | string[];
  main?: string;
  types?: string;
  exports?: unknown;
  bin?: string | Record<string, string>;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  [key: string]: unknown;
}

/** One package of the workspace. */
export interface WorkspacePackage {
  /** Folder name under `packages/`, e.g. `tfjs`. */
  dirName: string;
  /** Absolute path of the package folder. */
  dir: string;
  manifest: Manifest;
}

/** Reads and parses a package.json. */
export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
}

/**
 * Every package under `packages/*` that has a package.json, sorted so that a package comes after
 * the workspace packages it depends on (then by name). Read from disk on every call, so a package
 * added later is picked up without touching this code.
 */
export function workspacePackages(root = repoRoot): WorkspacePackage[] {
  const packagesDir = path.join(root, 'packages');
  const found: WorkspacePackage[] = [];
  for (const entry of readdirSync(packagesDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(packagesDir, entry.name);
    if (!existsSync(path.join(dir, 'package.json'))) continue;
    found.push({ dirName: entry.name, dir, manifest: readManifest(dir) });
  }
  return topologicalOrder(found);
}

/** The packages that get published: every workspace package not marked `private`. */
export function publicPackages(root = repoRoot): WorkspacePackage[] {
  return workspacePackages(root).filter((pkg) => pkg.manifest.private !== true);
}

/** Dependencies first; ties broken by name so the order is stable. */
export function topologicalOrder(packages: WorkspacePackage[]): WorkspacePackage[] {
  const byName = new Map(packages.map((pkg) => [pkg.manifest.name, pkg]));
  const sorted: WorkspacePackage[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (pkg: WorkspacePackage): void => {
    const name = pkg.manifest.name;
    if (state.get(name) === 'done') return;
    // A cycle cannot be ordered; keeping the current order is enough for building with tsc,
    // which reads sibling sources through the @fmnist/source condition anyway.
    if (state.get(name) === 'visiting') return;
    state.set(name, 'visiting');
    const deps = {
      ...pkg.manifest.dependencies,
      ...pkg.manifest.peerDependencies,
      ...pkg.manifest.devDependencies,
    };
    for (const dep of Object.keys(deps).sort()) {
      const target = byName.get(dep);
      if (target) visit(target);
    }
    state.set(name, 'done');
    sorted.push(pkg);
  };
  for (const pkg of [...packages].sort((a, b) => a.manifest.name.localeCompare(b.manifest.name))) {
    visit(pkg);
  }
  return sorted;
}
