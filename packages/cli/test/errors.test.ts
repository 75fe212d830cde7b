// Bad input through the real binary: each case gives its documented exit code and one sentence
// on stderr (no stack trace unless --verbose).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { realDataDir } from '@fmnist/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILES, fmnist, removeDir, tempDir } from './helpers.ts';

let work: string;
let cacheDir: string;
/** A copy of the real data with t10k-labels damaged (one byte changed). */
let corruptDir: string;
/** A copy of the real data without t10k-images. */
let partialDir: string;

const run = (args: string[], env?: Record<string, string | undefined>) =>
  fmnist(args, { cacheDir, env });

/** stderr is exactly one line starting with `fmnist: ` (commander's own usage errors aside). */
function oneSentence(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

beforeAll(() => {
  const real = realDataDir('fashion-mnist');
  work = tempDir('errors');
  cacheDir = path.join(work, 'cache');
  corruptDir = path.join(work, 'corrupt');
  partialDir = path.join(work, 'partial');
  mkdirSync(corruptDir);
  mkdirSync(partialDir);
  for (const name of FILES) {
    copyFileSync(path.join(real, name), path.join(corruptDir, name));
    if (name !== 't10k-images-idx3-ubyte.gz')
      copyFileSync(path.join(real, name), path.join(partialDir, name));
  }
  const labels = path.join(corruptDir, 't10k-labels-idx1-ubyte.gz');
  const bytes = readFileSync(labels);
  bytes[bytes.length - 20] ^= 0x55;
  writeFileSync(labels, bytes);
});

afterAll(() => removeDir(work));

describe('bad arguments: exit 2', () => {
  it('an unknown dataset', async () => {
    const r = await run(['info', '--dataset', 'kmnist']);
    expect(r.code).toBe(2);
    expect(oneSentence(r.stderr)).toBe(
      'fmnist: Unknown dataset "kmnist". Did you mean "mnist"? Known datasets: fashion-mnist, mnist.',
    );
  });

  it('an unknown option, command, class or out-of-range value', async () => {
    const option = await run(['info', '--jsn']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("error: unknown option '--jsn'");
    const command = await run(['inf']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("error: unknown command 'inf'");
    const klass = await run(['preview', '--out', path.join(work, 'x.png'), '--class', 'Hat']);
    expect(klass.code).toBe(2);
    expect(oneSentence(klass.stderr)).toMatch(/^fmnist: Unknown class "Hat" for Fashion-MNIST/);
    const count = await run(['preview', '--out', path.join(work, 'x.png'), '--count', 'lots']);
    expect(count.code).toBe(2);
    expect(count.stderr).toContain("argument 'lots' is invalid");
    const index = await run(['show', '10000']);
    expect(index.code).toBe(2);
    expect(oneSentence(index.stderr)).toBe(
      'fmnist: Index 10000 is out of range: the test split has 10000 images (0 to 9999).',
    );
    const format = await run(['export', '--format', 'tiff', '--out', work]);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("argument 'tiff' is invalid");
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: fmnist');
  });

  it('--help and --version exit 0 and document the exit codes', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['download', 'verify', 'info', 'preview', 'show', 'export']) {
      expect(help.stdout).toContain(command);
    }
    expect(help.stdout).toMatch(/Exit codes:\n {2}0 +success/);
    expect(help.stdout).toMatch(/ {2}4 +download failed/);
    const sub = await run(['export', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--format <format>');
    expect(sub.stdout).toContain('--data-dir <dir>');
    expect(sub.stdout).toContain('Exit codes:');
    // Help for a command that does not exist: one line with a suggestion, usage exit code.
    const unknown = await run(['help', 'downlod']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe("error: unknown command 'downlod'\n(Did you mean download?)\n");
    const version = await run(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('missing or corrupt data: exit 3 (verify: exit 1)', () => {
  it('a data directory that does not exist', async () => {
    const missing = path.join(work, 'nowhere');
    for (const command of [['info'], ['show', '0'], ['verify']]) {
      const r = await run([...command, '--data-dir', missing]);
      expect(r.code).toBe(3);
      expect(oneSentence(r.stderr)).toBe(
        `fmnist: The data directory ${missing} (from --data-dir) does not exist.`,
      );
    }
    const env = await run(['info'], { FMNIST_DATA_DIR: missing });
    expect(env.code).toBe(3);
    expect(env.stderr).toContain('(from $FMNIST_DATA_DIR) does not exist');
  });

  it('a file missing from the data directory and the cache', async () => {
    const r = await run(['show', '0', '--data-dir', partialDir]);
    expect(r.code).toBe(3);
    expect(oneSentence(r.stderr)).toBe(
      `fmnist: t10k-images-idx3-ubyte.gz of Fashion-MNIST is neither in ${partialDir} (--data-dir) nor in the cache ${path.join(cacheDir, 'fashion-mnist')}; run \`fmnist download\` or pass --data-dir.`,
    );
    const verify = await run(['verify', '--data-dir', partialDir]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/^MISSING +t10k-images-idx3-ubyte\.gz/m);
    expect(verify.stdout).toMatch(/^OK +.*train-images-idx3-ubyte\.gz/m);
    expect(verify.stdout).toContain('1 of 4 files of Fashion-MNIST are missing or do not match.');
  });

  it('a corrupt file', async () => {
    const file = path.join(corruptDir, 't10k-labels-idx1-ubyte.gz');
    const r = await run(['show', '0', '--data-dir', corruptDir]);
    expect(r.code).toBe(3);
    expect(oneSentence(r.stderr)).toMatch(
      new RegExp(
        `^fmnist: ${file.replace(/[.]/g, '\\.')} is corrupt or not the file of Fashion-MNIST it is named after: its sha256 is [0-9a-f]{64}, expected 67da17c7`,
      ),
    );
    const verify = await run(['verify', '--data-dir', corruptDir]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(
      /^MISMATCH +.*t10k-labels-idx1-ubyte\.gz +sha256 [0-9a-f]{64} +\(expected 67da17c7/m,
    );
    const verbose = await run(['show', '0', '--data-dir', corruptDir, '--verbose']);
    expect(verbose.code).toBe(3);
    expect(verbose.stderr).toMatch(/\n\s+at /);
    expect(verbose.stderr).toContain('Caused by:');
  });

  it('MNIST files under Fashion-MNIST names are reported, not loaded', async () => {
    const r = await run(['info', '--data-dir', realDataDir('mnist')]);
    expect(r.code).toBe(3);
    expect(oneSentence(r.stderr)).toMatch(
      /train-(images|labels)-idx[13]-ubyte\.gz is corrupt or not the file of Fashion-MNIST/,
    );
  });
});
