// The README's usage example must really run, with the CNN the ONNX baseline ships.
import path from 'node:path';
import { readmeSnippets, realDataDir, repoRoot, runSnippet } from '@fmnist/test-utils';
import { expect, it } from 'vitest';

const packageDir = path.resolve(import.meta.dirname, '..');

it('runs the README usage example on a real exported model', async () => {
  const [usage] = readmeSnippets(path.join(packageDir, 'README.md'));
  const model = path.join(repoRoot, 'examples/onnx-baseline/models/cnn.onnx');
  expect(usage).toContain("readFile('cnn.onnx')");
  const code = usage.replace("readFile('cnn.onnx')", `readFile(${JSON.stringify(model)})`);
  const out = await runSnippet(packageDir, code, { env: { FMNIST_DATA_DIR: realDataDir() } });
  // It prints the first three predicted class names, then the accuracy.
  expect(out).toMatch(/Ankle boot|Pullover|Trouser/);
  const accuracy = Number(out.trim().split(/\s+/).pop());
  expect(accuracy, out).toBeGreaterThan(0.8);
  expect(accuracy).toBeLessThanOrEqual(1);
}, 300_000);
