// The README's usage example must really run: extract it and execute it against the real data.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { realDataDir } from '@fmnist/test-utils';
import { expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

it('runs the README usage example', () => {
  const readme = readFileSync(path.join(here, '..', 'README.md'), 'utf8');
  const snippet = readme.match(/```ts\n([\s\S]*?)```/)?.[1];
  expect(snippet).toContain('@fmnist/core/node');
  // Written beside the package so that '@fmnist/core/node' resolves through the workspace.
  const dir = mkdtempSync(path.join(tmpdir(), 'fmnist-readme-'));
  const file = path.join(here, `.readme-${path.basename(dir)}.ts`);
  writeFileSync(file, snippet!);
  try {
    const out = execFileSync(
      process.execPath,
      ['--conditions=@fmnist/source', '--import', 'tsx', file],
      {
        encoding: 'utf8',
        env: { ...process.env, FMNIST_DATA_DIR: realDataDir(), FMNIST_CACHE_DIR: dir },
      },
    );
    expect(out).toMatch(/^60000 \[ 28, 28 \] Ankle boot$/m);
    expect(out).toMatch(/^60000 Uint32Array\(5\)/m);
  } finally {
    rmSync(file, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});
