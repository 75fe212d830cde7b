// `fmnist download` with local copies (FMNIST_DATA_DIR used as it is, --from DIR), silent mirrors (waiting lines, --deadline), credentials in --mirror; and --split strings and loose --dataset names in the read commands.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { realDataDir } from '@fmnist/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { FILES, fmnist, useRealMirror } from './helpers.ts';

const setup = useRealMirror('download-local');
let mute: string;

beforeAll(() => {
  // Accepts the connection and the request, and never answers.
  mute = setup.server.mirror('mute', { [FILES[0]]: { kind: 'handler', handle: () => {} } });
});

const cacheFolder = () => path.join(setup.cacheDir, 'fashion-mnist');
const cached = () => (existsSync(cacheFolder()) ? readdirSync(cacheFolder()).sort() : []);
const requests = () => FILES.reduce((n, name) => n + setup.server.requests(`good/${name}`), 0);

describe('fmnist download and local copies', () => {
  it('uses a valid FMNIST_DATA_DIR as it is and does not go to the network', async () => {
    const r = await fmnist(['download', '--mirror', setup.good], { cacheDir: setup.cacheDir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(requests()).toBe(0);
    expect(cached()).toEqual([]);
    for (const name of FILES) {
      expect(r.stdout).toContain(`${name}: found in $FMNIST_DATA_DIR with the right sha256`);
    }
    expect(r.stdout).toContain(`are in ${realDataDir('fashion-mnist')}`);
    expect(r.stdout).toContain('$FMNIST_DATA_DIR is used as it is');
  });

  it('downloads the files FMNIST_DATA_DIR lacks, and everything with --force', async () => {
    const partial = path.join(setup.work, 'partial');
    mkdirSync(partial);
    copyFileSync(path.join(realDataDir(), FILES[1]), path.join(partial, FILES[1]));
    const env = { FMNIST_DATA_DIR: partial };
    const r = await fmnist(['download', '--mirror', setup.good], { cacheDir: setup.cacheDir, env });
    expect(r.code).toBe(0);
    expect(setup.server.requests(`good/${FILES[1]}`)).toBe(0);
    expect(setup.server.requests(`good/${FILES[0]}`)).toBe(1);
    expect(cached()).toEqual([FILES[0], FILES[2], FILES[3]].sort());
    const forced = await fmnist(['download', '--mirror', setup.good, '--force'], {
      cacheDir: setup.cacheDir,
      env,
    });
    expect(forced.code).toBe(0);
    expect(setup.server.requests(`good/${FILES[1]}`)).toBe(1);
  });

  it('fills the cache from --from DIR, verified, without the network', async () => {
    const r = await fmnist(['download', '--from', realDataDir()], {
      cacheDir: setup.cacheDir,
      env: { FMNIST_DATA_DIR: undefined },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(cached()).toEqual([...FILES].sort());
    for (const name of FILES) {
      const got = readFileSync(path.join(cacheFolder(), name));
      expect(got.equals(readFileSync(path.join(realDataDir(), name)))).toBe(true);
    }
    expect(readdirSync(cacheFolder()).some((n) => n.endsWith('.tmp'))).toBe(false);
  });

  it('refuses a wrong or missing file in --from DIR (exit 3) and caches nothing of it', async () => {
    const from = path.join(setup.work, 'from');
    mkdirSync(from);
    for (const name of FILES) copyFileSync(path.join(realDataDir(), name), path.join(from, name));
    const damaged = readFileSync(path.join(from, FILES[0]));
    damaged[damaged.length >> 1] ^= 0xff;
    writeFileSync(path.join(from, FILES[0]), damaged);
    const env = { FMNIST_DATA_DIR: undefined };
    const bad = await fmnist(['download', '--from', from], { cacheDir: setup.cacheDir, env });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain(`${path.join(from, FILES[0])} is not Fashion-MNIST's`);
    expect(cached()).not.toContain(FILES[0]);
    const empty = path.join(setup.work, 'empty');
    mkdirSync(empty);
    const none = await fmnist(['download', '--from', empty], { cacheDir: setup.cacheDir, env });
    expect(none.code).toBe(3);
    expect(none.stderr).toContain(`--from ${empty} has no ${FILES[0]}`);
  });

  it('refuses a --mirror with credentials (exit 2) without printing them', async () => {
    const withCreds = setup.good.replace('http://', 'http://alice:hunter2@');
    const r = await fmnist(['download', '--mirror', withCreds], {
      cacheDir: setup.cacheDir,
      env: { FMNIST_DATA_DIR: undefined },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('credentials');
    expect(r.stdout + r.stderr).not.toMatch(/alice|hunter2/);
    expect(requests()).toBe(0);
  });
});

describe('fmnist download and a mirror that never answers', () => {
  it('prints a waiting line while it waits, then fails after --timeout (exit 4)', async () => {
    const r = await fmnist(['download', '--mirror', mute, '--timeout', '9', '--retries', '0'], {
      cacheDir: setup.cacheDir,
      env: { FMNIST_DATA_DIR: undefined },
    });
    expect(r.code).toBe(4);
    const waiting = r.stdout.split('\n').filter((l) => l.includes('waiting for'));
    // Lines come from core's waiting events (every 2 s), one per 4 s of silence (4 s, 8 s); the
    // spacing rule itself is tested with synthetic events in downloadProgress.test.ts.
    expect(waiting.length).toBeGreaterThanOrEqual(1);
    expect(waiting.length).toBeLessThanOrEqual(3);
    expect(waiting[0]).toMatch(new RegExp(`${mute}${FILES[0]}: no answer yet for [3-5] s`));
    expect(r.stderr).toContain('FMNIST_DATA_DIR=/path/to/files');
    expect(r.stderr).toContain('fmnist download --from DIR');
  });

  it('stops at --deadline with exit 4, saying so', async () => {
    const r = await fmnist(['download', '--mirror', mute, '--timeout', '60', '--deadline', '1'], {
      cacheDir: setup.cacheDir,
      env: { FMNIST_DATA_DIR: undefined },
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/longer than --deadline 1 s allows/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('--split strings and --dataset names', () => {
  it('reads a split string like tfds, and fashion_mnist as a dataset name', async () => {
    const whole = await fmnist(['show', '9995', '--split', 'test'], { cacheDir: setup.cacheDir });
    const sliced = await fmnist(
      ['show', '0', '--split', 'test[-5:]', '--dataset', 'fashion_mnist'],
      {
        cacheDir: setup.cacheDir,
      },
    );
    expect(sliced.stderr).toBe('');
    expect(sliced.code).toBe(0);
    const label = (out: string) => /label (\d+ \(.*\))/.exec(out)?.[1];
    expect(label(sliced.stdout)).toBe(label(whole.stdout));
    const out = await fmnist(['show', '5', '--split', 'test[:5]'], { cacheDir: setup.cacheDir });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('has 5 images');
  });

  it('refuses a bad split string with exit 2, quoting it and the grammar', async () => {
    const r = await fmnist(['show', '0', '--split', 'train[:10'], { cacheDir: setup.cacheDir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"train[:10"');
    expect(r.stderr).toContain('Grammar');
  });
});
