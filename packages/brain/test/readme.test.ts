// The README's usage example must really run. A user who follows the install line gets brain.js
// `latest` (1.6.1), here installed as `brain.js-v1`; 2.0.0-beta.24's main entry needs the native
// `gl` module in Node (see the README).
import path from 'node:path';
import { readmeSnippets, realDataDir, runSnippet } from '@fmnist/test-utils';
import { expect, it } from 'vitest';

const packageDir = path.resolve(import.meta.dirname, '..');

it('runs the README usage example with brain.js 1.6.1 and learns far above chance', async () => {
  const [usage] = readmeSnippets(path.join(packageDir, 'README.md'));
  expect(usage).toContain("from 'brain.js'");
  const code = usage.replace("from 'brain.js'", "from 'brain.js-v1'");
  const out = await runSnippet(packageDir, code, { env: { FMNIST_DATA_DIR: realDataDir() } });
  const accuracy = Number(out.match(/test accuracy ([\d.]+)%/)?.[1]);
  expect(accuracy, out).toBeGreaterThan(60);
}, 300_000);
