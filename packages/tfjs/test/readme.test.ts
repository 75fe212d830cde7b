// The README's examples must really run: each is executed as a user's script on the real data.
import path from 'node:path';
import { readmeSnippets, realDataDir, runSnippet } from '@fmnist/test-utils';
import { expect, it } from 'vitest';

const packageDir = path.resolve(import.meta.dirname, '..');

it('runs the README usage example and learns far above chance', async () => {
  const [usage] = readmeSnippets(path.join(packageDir, 'README.md'));
  const out = await runSnippet(packageDir, usage, { env: { FMNIST_DATA_DIR: realDataDir() } });
  const accuracy = Number(out.match(/test accuracy ([\d.]+)%/)?.[1]);
  expect(accuracy, out).toBeGreaterThan(60);
}, 300_000);

it("runs the README's sparse-label recipe: sparseCategoricalCrossentropy trains", async () => {
  const sparse = readmeSnippets(path.join(packageDir, 'README.md')).find((code) =>
    code.includes("labels: 'sparse'"),
  );
  expect(sparse).toBeDefined();
  const out = await runSnippet(packageDir, sparse!, { env: { FMNIST_DATA_DIR: realDataDir() } });
  const accuracy = Number(out.match(/test accuracy ([\d.]+)%/)?.[1]);
  expect(accuracy, out).toBeGreaterThan(60);
}, 300_000);
