// Global setup of the release checks: build every public package once, in dependency order.
import type { TestProject } from 'vitest/node';
import { buildPackage, type StepResult } from '../src/checks.ts';
import { publicPackages } from '../src/workspace.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Build result of every public package, by name, from one build before all test files. */
    builds: Record<string, StepResult>;
  }
}

/**
 * Builds every public package once for both test files (the checks and the Verdaccio installs),
 * in dependency order. A failed build is recorded, not thrown: that package's tests then fail
 * with the build output while the other packages are still checked.
 * `FMNIST_RELEASE_CHECK_SKIP_BUILD=1` reuses the dist/ folders that are there (after `turbo build`).
 */
export default async function setup(project: TestProject): Promise<void> {
  const builds: Record<string, StepResult> = {};
  const skip = process.env.FMNIST_RELEASE_CHECK_SKIP_BUILD === '1';
  for (const pkg of publicPackages()) {
    builds[pkg.manifest.name] = skip
      ? { ok: true, output: 'skipped (FMNIST_RELEASE_CHECK_SKIP_BUILD=1)', ms: 0 }
      : await buildPackage(pkg);
  }
  project.provide('builds', builds);
}
