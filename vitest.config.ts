// The one vitest definition of the repository: every package runs its tests with it.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, type TestProjectConfiguration } from 'vitest/config';

/**
 * Resolve sibling workspace packages through the `@fmnist/source` export condition, so tests
 * read their TypeScript sources without a build.
 */
export const sourceConditions = ['@fmnist/source', 'module', 'node', 'import', 'default'];

const repoRoot = import.meta.dirname;

/**
 * From the repository root, `vitest` runs every package as a project: a package with its own
 * `vitest.config.ts` (which merges this file) by that file, the others inline with this
 * definition. Inside a package (how `pnpm test` runs them), vitest finds this file by walking up
 * and runs that package alone, with the package folder as its root. A package with a vite.config.ts
 * and no vitest.config.ts passes `--config ../../vitest.config.ts`: vitest would take the vite
 * config first.
 */
function workspaceProjects(): TestProjectConfiguration[] {
  return ['packages', 'examples'].flatMap((group) =>
    readdirSync(path.join(repoRoot, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry): TestProjectConfiguration => {
        const dir = path.join(group, entry.name);
        const own = readdirSync(path.join(repoRoot, dir)).includes('vitest.config.ts');
        return own ? `${dir}/vitest.config.ts` : { extends: true, root: dir, test: { name: dir } };
      }),
  );
}

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@fmnist/source'] } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    ...(path.resolve(process.cwd()) === repoRoot ? { projects: workspaceProjects() } : {}),
  },
});
