// A process killed with SIGKILL (no cleanup handlers run) must never leave a file under a final
// cache name that looks valid: downloads reach the cache only complete and verified, and writes
// go through a temp file + rename.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DatasetDescriptor, fsCache, loadDataset, nodePlatform } from '@fmnist/core/node';
import {
  fixtureRandom,
  gzipBytes,
  makeIdx,
  makeLabelsIdx,
  startTestServer,
  type TestServer,
} from '@fmnist/test-utils';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

// Noise images barely compress, so the .gz is big enough (~240 kB) to be killed mid-download.
const COUNT = 300;
const random = fixtureRandom(11);
const pixels = Uint8Array.from({ length: COUNT * 28 * 28 }, () => Math.floor(random() * 256));
const labels = Uint8Array.from({ length: COUNT }, (_, i) => i % 10);
const imagesIdx = makeIdx('uint8', [COUNT, 28, 28], pixels);
const labelsIdx = makeLabelsIdx(labels);
const imagesGz = gzipBytes(imagesIdx);
const labelsGz = gzipBytes(labelsIdx);

const file = (name: string, gz: Uint8Array, raw: Uint8Array) => ({
  name,
  bytes: gz.length,
  sha256: sha256(gz),
  rawBytes: raw.length,
  rawSha256: sha256(raw),
});
const descriptor: DatasetDescriptor = {
  id: 'killed',
  title: 'killed fixture',
  files: {
    trainImages: file('train-images.gz', imagesGz, imagesIdx),
    trainLabels: file('train-labels.gz', labelsGz, labelsIdx),
    testImages: file('test-images.gz', imagesGz, imagesIdx),
    testLabels: file('test-labels.gz', labelsGz, labelsIdx),
  },
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  mirrors: [],
  imageShape: [28, 28],
  counts: { train: COUNT, test: COUNT },
};

/** Starts killChild.ts and SIGKILLs it when `killWhen` accepts a line it printed. */
function runAndKill(
  args: string[],
  killWhen: (line: string) => boolean,
  env: Record<string, string> = {},
): Promise<{ lines: string[]; signal: NodeJS.Signals | null }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@fmnist/source', '--import', 'tsx', path.join(here, 'killChild.ts'), ...args],
    { cwd: packageDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (text: string) => {
    buffered += text;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      if (child.exitCode === null && !child.killed && killWhen(line)) child.kill('SIGKILL');
    }
  });
  child.stderr!.on('data', (text: Buffer) => {
    stderr += text.toString();
  });
  // Never leave a child behind, even when the kill condition is never met.
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') {
        reject(
          new Error(
            `child exited with ${code} before it was killed:\n${lines.join('\n')}\n${stderr}`,
          ),
        );
      } else {
        resolve({ lines, signal });
      }
    });
  });
}

let server: TestServer;
let tmp: string;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fmnist-killed-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('a process killed with SIGKILL', () => {
  it('mid-download leaves no file under the final name, and a fresh load succeeds', async () => {
    const mirror = server.mirror('slow', {
      // About 1.5 s for the images: plenty of time to kill the child half-way.
      'train-images.gz': { kind: 'drip', body: imagesGz, chunkBytes: 8 * 1024, intervalMs: 50 },
      'train-labels.gz': { kind: 'bytes', body: labelsGz },
    });
    const { lines } = await runAndKill(
      ['download', tmp, mirror],
      (line) => {
        const match = /^progress train-images\.gz (\d+)$/.exec(line);
        return match !== null && Number(match[1]) >= 32 * 1024;
      },
      { KILL_DESCRIPTOR: JSON.stringify(descriptor) },
    );
    expect(lines.some((l) => l.startsWith('progress train-images.gz'))).toBe(true);
    expect(lines).not.toContain('done');
    expect(server.bytesSent('/slow/train-images.gz')).toBeLessThan(imagesGz.length);

    const folder = path.join(tmp, 'killed');
    const names = existsSync(folder) ? await readdir(folder) : [];
    expect(names).not.toContain('train-images.gz');
    // Whatever is there under a final name is complete (only temp files may be partial).
    for (const name of names.filter((n) => !n.endsWith('.tmp'))) {
      expect(name).toBe('train-labels.gz');
      expect(sha256(await readFile(path.join(folder, name)))).toBe(
        descriptor.files.trainLabels.sha256,
      );
    }

    server.route('/slow/train-images.gz', { kind: 'bytes', body: imagesGz });
    const split = await loadDataset({
      dataset: descriptor,
      mirrors: [mirror],
      cache: fsCache(tmp),
      platform: nodePlatform({ cacheDir: false }),
      retryDelayMs: 1,
    });
    expect(split.count).toBe(COUNT);
    expect(
      Buffer.from(split.images.buffer, split.images.byteOffset, split.images.length).equals(pixels),
    ).toBe(true);
    expect(sha256(await readFile(path.join(folder, 'train-images.gz')))).toBe(
      descriptor.files.trainImages.sha256,
    );
  });

  it('mid-write leaves the previous complete file (or the new complete one), never a partial one', async () => {
    const size = 8 * 1024 * 1024;
    await runAndKill(['write', tmp, String(size)], (line) => line === 'writing 2');
    const cache = fsCache(tmp);
    const got = await cache.get('ds/big.bin');
    expect(got, 'the first complete write survives').toBeDefined();
    expect(got!.length).toBe(size);
    const value = got![0];
    expect([1, 2]).toContain(value);
    expect(
      Buffer.from(got!.buffer, got!.byteOffset, got!.length).equals(Buffer.alloc(size, value)),
    ).toBe(true);
    // Leftover temp files are ignored, and the entry can be written again.
    await cache.set('ds/big.bin', new Uint8Array(16).fill(3));
    expect(await cache.get('ds/big.bin')).toEqual(new Uint8Array(16).fill(3));
    const leftovers = (await readdir(path.join(tmp, 'ds'))).filter((n) => n !== 'big.bin');
    expect(leftovers.every((n) => n.endsWith('.tmp'))).toBe(true);
  });
});
