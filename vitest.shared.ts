import { defineConfig } from 'vitest/config';

/**
 * Shared vitest settings: resolve sibling workspace packages through the `@fmnist/source`
 * export condition, so tests read their TypeScript sources without a build.
 */
export const sourceConditions = ['@fmnist/source', 'module', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: ['@fmnist/source'] } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
