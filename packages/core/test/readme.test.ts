// The README's usage example must really run: extract it and execute it against the real data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readmeSnippets, realDataDir, runSnippet } from '@fmnist/test-utils';
import { expect, it } from 'vitest';

const packageDir = path.resolve(import.meta.dirname, '..');

it('runs the README usage example', async () => {
  const [usage] = readmeSnippets(path.join(packageDir, 'README.md'));
  expect(usage).toContain('@fmnist/core/node');
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'fmnist-readme-'));
  try {
    const out = await runSnippet(packageDir, usage, {
      env: { FMNIST_DATA_DIR: realDataDir(), FMNIST_CACHE_DIR: cacheDir },
    });
    expect(out).toMatch(/^60000 \[ 28, 28 \] Ankle boot$/m);
    expect(out).toMatch(/^60000 Uint32Array\(5\)/m);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});

it('runs the README "Coming from Python" example', async () => {
  const python = readmeSnippets(path.join(packageDir, 'README.md')).find((s) =>
    s.includes("split: ['train', 'test']"),
  );
  expect(python).toBeDefined();
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'fmnist-readme-'));
  try {
    const out = await runSnippet(packageDir, python!, {
      env: { FMNIST_DATA_DIR: realDataDir(), FMNIST_CACHE_DIR: cacheDir },
    });
    expect(out).toMatch(/^60000 10000 6000 15000 fashion-mnist$/m);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
