// Hostile inputs on the way in: things that are not regular files under a data file's name
// (FIFO, socket, device, directory, symbolic link loop) in a data directory, the cache and the
// CLI's lookup; .gz files re-compressed with other settings or already inflated (also by a
// server's Content-Encoding); malformed descriptors, ids that share an environment variable,
// options of the wrong kind, and an empty HOME. Expected: a typed error that says what is wrong,
// promptly (never a hang, never "missing"), or the load succeeding where the bytes are right.
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  batches,
  type DatasetDescriptor,
  defaultCacheDir,
  downloadFile,
  fsCache,
  loadDataset,
  registerDataset,
} from '@fmnist/core/node';
import { expect, it, vi } from 'vitest';
import {
  type CaseContext,
  type Category,
  FIXTURE_NAMES,
  fixtureDataset,
  isolatedPlatform,
  loadFromMirrors,
  rejection,
  runCase,
  runToEnd,
  spawnScript,
  useTestServer,
} from '../src/index.ts';

const fx = fixtureDataset('rel-in', { count: 200, seed: 17 });
const IMAGES = FIXTURE_NAMES.trainImages;
const LABELS = FIXTURE_NAMES.trainLabels;
const unix = process.platform !== 'win32';

const server = useTestServer();

function inCase(
  category: Category,
  name: string,
  expected: string,
  body: (ctx: CaseContext) => Promise<string>,
) {
  it.skipIf(!unix)(name, () =>
    runCase({ category, name, expected, descriptors: [fx.descriptor], noTemp: true }, body),
  );
}

/** Puts a thing of `kind` at `file`; returns the words the message must use. */
async function makeThing(ctx: CaseContext, kind: string, file: string): Promise<string> {
  if (kind === 'FIFO') execFileSync('mkfifo', [file]);
  else if (kind === 'socket') {
    const s = net.createServer();
    await new Promise<void>((resolve) => s.listen(file, resolve));
    ctx.cleanup.push(() => new Promise<void>((resolve) => s.close(() => resolve())));
  } else if (kind === 'character device') await symlink('/dev/zero', file);
  else if (kind === 'directory') await mkdir(file);
  else {
    // The loop's other half lives outside the cache (an unknown name there counts as corrupt).
    const partner = path.join(ctx.workDir, `loop-${path.basename(path.dirname(file))}`);
    await symlink(partner, file);
    await symlink(file, partner);
  }
  return `is a ${kind}`;
}

const KINDS = ['FIFO', 'socket', 'character device', 'directory', 'symbolic link loop'];

for (const kind of KINDS) {
  inCase(
    'inputs (files)',
    `${kind} under a data file's name (data directory and cache)`,
    `CACHE_IO "${kind}" naming the path, promptly`,
    async (ctx) => {
      const dir = path.join(ctx.workDir, 'data');
      await mkdir(dir);
      await writeFile(path.join(dir, LABELS), fx.files[LABELS]);
      const words = await makeThing(ctx, kind, path.join(dir, IMAGES));
      const started = performance.now();
      const controller = new AbortController();
      const error = await rejection(
        loadDataset({
          dataset: fx.descriptor,
          dataDir: dir,
          platform: isolatedPlatform,
          signal: controller.signal,
        }),
      );
      expect(error.code).toBe('CACHE_IO');
      expect(error.message).toContain(path.join(dir, IMAGES));
      expect(error.message).toContain(words);

      const folder = path.join(ctx.cacheDir, fx.descriptor.id);
      await mkdir(folder, { recursive: true });
      await makeThing(ctx, kind, path.join(folder, IMAGES));
      const cached = await rejection(
        loadDataset({
          dataset: fx.descriptor,
          cache: fsCache(ctx.cacheDir),
          platform: isolatedPlatform,
          mirrors: [],
        }),
      );
      expect(cached.message).toContain(words);
      ctx.facts.ms = Math.round(performance.now() - started);
      return `CACHE_IO "${kind}" naming the path, promptly`;
    },
  );
}

inCase(
  'inputs (files)',
  '`fmnist show --data-dir` with FIFOs under the images names',
  'ends promptly, non-zero, "is a FIFO"',
  async (ctx) => {
    const dir = path.join(ctx.workDir, 'data');
    await mkdir(dir);
    for (const split of ['train', 't10k']) {
      execFileSync('mkfifo', [path.join(dir, `${split}-images-idx3-ubyte.gz`)]);
    }
    // The CLI from its sources, so that it runs this core (not an older build).
    const child = spawnScript('../cli/src/main.ts', ['show', '0', '--data-dir', dir], {
      guardMs: 60_000,
    });
    const run = await runToEnd(child);
    expect(run.signal).toBeNull();
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('is a FIFO');
    ctx.facts.exit = run.code;
    return 'ends promptly, non-zero, "is a FIFO"';
  },
);

/** A fresh `workDir/data` folder holding `images` and `labels` under the fixture's train names. */
async function dataDirWith(ctx: CaseContext, images: Uint8Array, labels: Uint8Array) {
  const dir = path.join(ctx.workDir, 'data');
  await mkdir(dir);
  await writeFile(path.join(dir, IMAGES), images);
  await writeFile(path.join(dir, LABELS), labels);
  return dir;
}

inCase(
  'inputs (files)',
  're-gzipped files (level 1 and 9) in a data directory and the cache',
  'loaded (inflated bytes match rawSha256)',
  async (ctx) => {
    const dir = await dataDirWith(
      ctx,
      gzipSync(fx.split.imagesIdx, { level: 1 }),
      gzipSync(fx.split.labelsIdx, { level: 9 }),
    );
    const a = await loadDataset({
      dataset: fx.descriptor,
      dataDir: dir,
      platform: isolatedPlatform,
    });
    expect(a.count).toBe(200);
    const folder = path.join(ctx.cacheDir, fx.descriptor.id);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, IMAGES), gzipSync(fx.split.imagesIdx, { level: 9 }));
    await writeFile(path.join(folder, LABELS), fx.split.labelsIdx);
    const b = await loadDataset({
      dataset: fx.descriptor,
      cache: fsCache(ctx.cacheDir),
      platform: isolatedPlatform,
      mirrors: [],
    });
    expect(b.images).toEqual(fx.split.images);
    return 'loaded (inflated bytes match rawSha256)';
  },
);

inCase(
  'inputs (files)',
  'mirror sends Content-Encoding: gzip (fetch inflates the body)',
  "loaded, verify event says 'inflated'",
  async (ctx) => {
    const gz = { 'content-encoding': 'gzip' };
    const mirror = server.mirror('encoded', {
      [IMAGES]: { kind: 'bytes', body: fx.files[IMAGES], headers: gz },
      [LABELS]: { kind: 'bytes', body: fx.files[LABELS], headers: gz },
    });
    const forms: unknown[] = [];
    const split = await loadFromMirrors(ctx.cacheDir, fx.descriptor, [mirror], {
      onProgress: (p) => {
        if (p.phase === 'verify' && p.loaded > 0) forms.push((p as { form?: string }).form);
      },
    });
    expect(split.labels).toEqual(fx.split.labels);
    expect(forms).toEqual(['inflated', 'inflated']);
    return "loaded, verify event says 'inflated'";
  },
);

inCase(
  'inputs (files)',
  'a different file re-gzipped under the name',
  'CHECKSUM_MISMATCH naming both checks',
  async (ctx) => {
    const dir = await dataDirWith(
      ctx,
      gzipSync(fx.split.labelsIdx, { level: 1 }),
      fx.files[LABELS],
    );
    const error = await rejection(
      loadDataset({ dataset: fx.descriptor, dataDir: dir, platform: isolatedPlatform }),
    );
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(error.message).toContain('both the compressed and the inflated check failed');
    return 'CHECKSUM_MISMATCH naming both checks';
  },
);

const withFile = (patch: Record<string, unknown>, id = 'rel-in-bad'): DatasetDescriptor => ({
  ...fx.descriptor,
  id,
  files: { ...fx.descriptor.files, trainImages: { ...fx.descriptor.files.trainImages, ...patch } },
});

function thrown(fn: () => unknown): {
  code?: string;
  message: string;
  details?: Record<string, unknown>;
} {
  try {
    fn();
  } catch (error) {
    return error as { code: string; message: string };
  }
  return { message: 'no error' };
}

inCase(
  'inputs (descriptors, options)',
  'sha256 not 64 hex digits (empty, a number, short, non-hex), registered or passed',
  'INVALID_ARGUMENT naming the field',
  async () => {
    for (const value of ['', 42, 'abc', 'g'.repeat(64)]) {
      const bad = withFile({ sha256: value });
      expect(thrown(() => registerDataset(bad)).code).toBe('INVALID_ARGUMENT');
      const error = await rejection(
        loadDataset({ dataset: bad, platform: isolatedPlatform, cache: false }),
      );
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain('files.trainImages.sha256');
    }
    return 'INVALID_ARGUMENT naming the field';
  },
);

inCase(
  'inputs (descriptors, options)',
  'uppercase sha256 in a descriptor',
  'loaded',
  async (ctx) => {
    const upper = withFile(
      { sha256: fx.descriptor.files.trainImages.sha256!.toUpperCase() },
      'rel-in',
    );
    const dir = await dataDirWith(ctx, fx.files[IMAGES], fx.files[LABELS]);
    expect(
      (await loadDataset({ dataset: upper, dataDir: dir, platform: isolatedPlatform })).count,
    ).toBe(200);
    return 'loaded';
  },
);

inCase(
  'inputs (descriptors, options)',
  'missing files / classNames, duplicate file names',
  'INVALID_ARGUMENT naming the field',
  async () => {
    const { files: _f, ...noFiles } = fx.descriptor;
    const { classNames: _c, ...noClasses } = fx.descriptor;
    const twin = withFile({ name: LABELS });
    for (const bad of [noFiles, noClasses, twin] as DatasetDescriptor[]) {
      expect(thrown(() => registerDataset({ ...bad, id: 'rel-in-bad' })).code).toBe(
        'INVALID_ARGUMENT',
      );
      expect(
        (await rejection(loadDataset({ dataset: bad, platform: isolatedPlatform, cache: false })))
          .code,
      ).toBe('INVALID_ARGUMENT');
    }
    return 'INVALID_ARGUMENT naming the field';
  },
);

inCase(
  'inputs (descriptors, options)',
  "ids sharing an environment variable ('rel-in-x' / 'rel_in_x'; 'data')",
  'refused at registration, saying why',
  async () => {
    registerDataset({ ...fx.descriptor, id: 'rel-in-x' });
    expect(thrown(() => registerDataset({ ...fx.descriptor, id: 'rel_in_x' })).message).toContain(
      'FMNIST_REL_IN_X_DIR',
    );
    expect(thrown(() => registerDataset({ ...fx.descriptor, id: 'data' })).message).toContain(
      'FMNIST_DATA_DIR',
    );
    return 'refused at registration, saying why';
  },
);

inCase(
  'inputs (descriptors, options)',
  "options of the wrong kind (mirrors: 'http://x/', retries 1.5 / -1, dataDir '' / a file, batchSize > split with reuseBuffers)",
  'INVALID_ARGUMENT naming the option',
  async (ctx) => {
    const file = path.join(ctx.workDir, 'a-file');
    await writeFile(file, 'x');
    const fileDesc = fx.descriptor.files.trainImages;
    const cases: [string, () => Promise<unknown>][] = [
      [
        'mirrors',
        () =>
          loadDataset({
            dataset: fx.descriptor,
            mirrors: 'http://x/' as never,
            platform: isolatedPlatform,
            cache: false,
          }),
      ],
      ['retries', () => downloadFile(fileDesc, { mirrors: ['http://127.0.0.1:9/'], retries: 1.5 })],
      ['retries', () => downloadFile(fileDesc, { mirrors: ['http://127.0.0.1:9/'], retries: -1 })],
      [
        'dataDir',
        () => loadDataset({ dataset: fx.descriptor, dataDir: '', platform: isolatedPlatform }),
      ],
      [
        'dataDir',
        () => loadDataset({ dataset: fx.descriptor, dataDir: file, platform: isolatedPlatform }),
      ],
    ];
    for (const [option, run] of cases) {
      const error = await rejection(run());
      expect(error.code, option).toBe('INVALID_ARGUMENT');
      expect(error.details.option, option).toBe(option);
    }
    const split = await loadDataset({
      dataset: fx.descriptor,
      dataDir: await filled(ctx),
      platform: isolatedPlatform,
    });
    const error = thrown(() => batches(split, { batchSize: 2 ** 40, reuseBuffers: true }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details?.option).toBe('batchSize');
    return 'INVALID_ARGUMENT naming the option';
  },
);

async function filled(ctx: CaseContext): Promise<string> {
  const dir = path.join(ctx.workDir, 'filled');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, IMAGES), fx.files[IMAGES]);
  await writeFile(path.join(dir, LABELS), fx.files[LABELS]);
  return dir;
}

inCase(
  'inputs (descriptors, options)',
  'empty HOME: the default cache directory',
  'the temp directory with a warning naming FMNIST_CACHE_DIR, never the current directory',
  async () => {
    if (process.platform === 'darwin') return 'the temp directory (not checked on macOS)';
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const dir = defaultCacheDir({ HOME: '' });
      expect(dir).toBe(path.join(os.tmpdir(), `fmnist-cache-${process.getuid?.()}`));
      expect(String(warn.mock.calls[0]?.[0])).toContain('FMNIST_CACHE_DIR');
    } finally {
      warn.mockRestore();
    }
    return 'the temp directory with a warning naming FMNIST_CACHE_DIR, never the current directory';
  },
);
