// Regular files only: FIFOs, sockets, devices, directories and symbolic link loops under a data file's name in a data directory or the cache are named, never opened.
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {
  fileKind,
  fsCache,
  loadDataset,
  locateDatasetFiles,
  readRegularFile,
} from '@fmnist/core/node';
import { afterEach, describe, expect, it } from 'vitest';
import { failure } from './helpers.ts';
import { descriptor, platformWith, tmp, train, useServerAndTmp } from './loadFixtures.ts';

useServerAndTmp();

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const unix = process.platform !== 'win32';

/** Puts a thing of `kind` at `file`; returns the words the message must use. */
async function makeThing(kind: string, file: string): Promise<string> {
  switch (kind) {
    case 'FIFO':
      execFileSync('mkfifo', [file]);
      return 'is a FIFO';
    case 'socket': {
      const server = net.createServer();
      await new Promise<void>((resolve) => server.listen(file, resolve));
      closers.push(() => new Promise((resolve) => server.close(() => resolve())));
      return 'is a socket';
    }
    case 'device':
      await symlink('/dev/zero', file);
      return 'is a character device';
    case 'directory':
      await mkdir(file);
      return 'is a directory';
    default:
      await symlink(`${file}.b`, file);
      await symlink(file, `${file}.b`);
      return 'is a symbolic link loop';
  }
}

const KINDS = ['FIFO', 'socket', 'device', 'directory', 'loop'];

describe.skipIf(!unix)('non-regular files', () => {
  it('fileKind and readRegularFile name what a path is', async () => {
    for (const kind of KINDS) {
      const file = path.join(tmp, `thing-${kind}`);
      const words = await makeThing(kind, file);
      expect(await fileKind(file)).toBe(words.replace(/^is an? /, ''));
      const error = await failure(readRegularFile(file));
      expect(error.code).toBe('CACHE_IO');
      expect(error.message).toContain(file);
      expect(error.message).toContain(words);
    }
    expect(await readRegularFile(path.join(tmp, 'absent'))).toBeUndefined();
    expect(await fileKind(path.join(tmp, 'absent'))).toBe('missing');
  });

  for (const kind of KINDS) {
    it(`loadDataset with a ${kind} under a data file's name fails promptly, naming it`, async () => {
      const dir = path.join(tmp, 'data');
      await mkdir(dir);
      // The real unpacked copy is there too: the published name comes first and must not block.
      await writeFile(path.join(dir, 'train-images'), train.imagesIdx);
      await writeFile(path.join(dir, 'train-labels.gz'), train.labelsIdxGz);
      const words = await makeThing(kind, path.join(dir, 'train-images.gz'));
      const error = await failure(
        loadDataset({ dataset: descriptor('kinds'), dataDir: dir, platform: platformWith() }),
      );
      expect(error.code).toBe('CACHE_IO');
      expect(error.message).toContain(path.join(dir, 'train-images.gz'));
      expect(error.message).toContain(words);
      expect(error.message).not.toMatch(/has no|not found/i);

      const located = await failure(
        locateDatasetFiles({ dataset: descriptor('kinds'), dataDir: dir, cacheDir: false }),
      );
      expect(located.message).toContain(words);
    });
  }

  it('a FIFO in the cache is refused by fsCache.get and by the lookup, not read', async () => {
    const cacheDir = path.join(tmp, 'cache');
    await mkdir(path.join(cacheDir, 'kinds'), { recursive: true });
    execFileSync('mkfifo', [path.join(cacheDir, 'kinds', 'train-images.gz')]);
    const error = await failure(fsCache(cacheDir).get('kinds/train-images.gz'));
    expect(error.message).toContain('is a FIFO');
    expect(error.details.kind).toBe('FIFO');
    const located = await failure(locateDatasetFiles({ dataset: descriptor('kinds'), cacheDir }));
    expect(located.message).toContain('is a FIFO');
  });

  it('the FMNIST_DATA_DIR fallback of another dataset passes a FIFO by', async () => {
    const dir = path.join(tmp, 'shared');
    await mkdir(dir);
    execFileSync('mkfifo', [path.join(dir, 'train-images.gz')]);
    const { files } = await locateDatasetFiles({
      dataset: descriptor('kinds'),
      split: 'train',
      cacheDir: false,
      env: { FMNIST_DATA_DIR: dir },
    });
    expect(files[0].origin).toBe('missing');
    expect(files[0].rejected).toEqual([path.join(dir, 'train-images.gz')]);
  });

  it('a dataDir that is a file is INVALID_ARGUMENT naming the option', async () => {
    const file = path.join(tmp, 'not-a-dir');
    await writeFile(file, 'x');
    const error = await failure(
      loadDataset({ dataset: descriptor('kinds'), dataDir: file, platform: platformWith() }),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(file);
    expect(error.message).toContain('is a file, not a directory');
    expect(error.details.option).toBe('dataDir');
  });
});
