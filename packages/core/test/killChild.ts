// Child process for killed.test.ts, which SIGKILLs it mid-way. Run with
// `node --conditions=@fmnist/source --import tsx test/killChild.ts <mode> ...`.
//
//   download <cacheDir> <mirror>   loads the dataset described by env KILL_DESCRIPTOR (JSON) into
//                                  an fsCache, printing `progress <file> <loaded>` lines
//   write <cacheDir> <bytes>       rewrites one cache entry forever, printing `writing <k>` before
//                                  and `wrote <k>` after each write; entry k is filled with k
import type { DatasetDescriptor } from '../src/datasets.ts';
import { fsCache, loadDataset, nodePlatform } from '../src/node.ts';

const [mode, cacheDir, arg] = process.argv.slice(2);
const say = (line: string) => process.stdout.write(`${line}\n`);

if (mode === 'download') {
  const dataset = JSON.parse(process.env.KILL_DESCRIPTOR ?? '') as DatasetDescriptor;
  await loadDataset({
    dataset,
    mirrors: [arg],
    cache: fsCache(cacheDir),
    platform: nodePlatform({ cacheDir: false }),
    retryDelayMs: 1,
    onProgress: (p) => {
      if (p.phase === 'download') say(`progress ${p.file} ${p.loaded}`);
    },
  });
  say('done');
} else if (mode === 'write') {
  const cache = fsCache(cacheDir);
  const size = Number(arg);
  for (let k = 1; ; k++) {
    say(`writing ${k}`);
    await cache.set('ds/big.bin', new Uint8Array(size).fill(k & 255));
    say(`wrote ${k}`);
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
