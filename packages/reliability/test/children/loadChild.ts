// A loader in its own process, for the concurrency, SIGKILL and permission cases. Run with
// `node --conditions=@fmnist/source --import tsx test/children/loadChild.ts <cacheDir>`.
//
// Environment: REL_DESCRIPTOR (the dataset descriptor as JSON), REL_MIRRORS (JSON array),
// REL_SPLIT (default train), REL_WAIT_GO=1 (print `ready`, then wait for a `go` line on stdin,
// so that several children start loading at the same moment), REL_PROGRESS=1 (print
// `progress <file> <loaded>` lines), REL_TRACE_WRITES=1 (print `writing <key>` / `wrote <key>`
// around cache writes). Prints `started` when it begins loading and one `result <json>` line at
// the end, and exits 0 whether or not it loaded.
import { createHash } from 'node:crypto';
import {
  type ByteCache,
  type DatasetDescriptor,
  fsCache,
  isFmnistError,
  loadDataset,
  nodePlatform,
  type Split,
} from '@fmnist/core/node';

const [cacheDir] = process.argv.slice(2);
const say = (line: string) => process.stdout.write(`${line}\n`);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const descriptor = JSON.parse(process.env.REL_DESCRIPTOR ?? '') as DatasetDescriptor;
const mirrors = JSON.parse(process.env.REL_MIRRORS ?? '[]') as string[];

if (process.env.REL_WAIT_GO === '1') {
  say('ready');
  await new Promise<void>((resolve) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('go\n')) {
        // Stop reading, or the open stdin keeps this process alive after the load.
        process.stdin.destroy();
        resolve();
      }
    });
  });
}

const inner = fsCache(cacheDir);
const cache: ByteCache =
  process.env.REL_TRACE_WRITES === '1'
    ? {
        get: (key) => inner.get(key),
        remove: (key) => inner.remove(key),
        async set(key, bytes) {
          say(`writing ${key}`);
          await inner.set(key, bytes);
          say(`wrote ${key}`);
        },
      }
    : inner;

say('started');
const started = performance.now();
try {
  const split = await loadDataset({
    dataset: descriptor,
    split: (process.env.REL_SPLIT ?? 'train') as Split,
    mirrors,
    cache,
    platform: { ...nodePlatform({ cacheDir: false }), env: () => undefined },
    retryDelayMs: 5,
    timeoutMs: 5000,
    onProgress: (p) => {
      if (process.env.REL_PROGRESS === '1' && p.phase === 'download') {
        say(`progress ${p.file} ${p.loaded}`);
      }
    },
  });
  say(
    `result ${JSON.stringify({
      ok: true,
      count: split.count,
      images: sha256(split.images),
      labels: sha256(split.labels),
      ms: Math.round(performance.now() - started),
    })}`,
  );
} catch (error) {
  say(
    `result ${JSON.stringify({
      ok: false,
      code: isFmnistError(error) ? error.code : 'NOT_FMNIST_ERROR',
      message: error instanceof Error ? error.message.split('\n')[0] : String(error),
      errno: isFmnistError(error) ? error.details.code : undefined,
    })}`,
  );
}
