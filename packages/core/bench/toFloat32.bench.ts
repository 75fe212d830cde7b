// `toFloat32` on the 60,000 training images against numpy's `astype(float32) / 255`, same machine.
//
//   node --conditions=@fmnist/source --import tsx bench/toFloat32.bench.ts
//
// Median of BENCH_ROUNDS (default 7) calls, interleaved so machine load hits every variant
// alike: into a fresh Float32Array (what a plain call does) and into a reused one (`out`). The
// one multiply-add per pixel that toFloat32 used before its lookup table is timed beside it.
// numpy runs from /usr/bin/python3 (Debian's python3-numpy) when it imports; it reads the IDX
// `.gz` itself. Prints numbers and the ratio to the 1.5x target; asserts nothing.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset, toFloat32 } from '@fmnist/core/node';

const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const dataDir = path.resolve(
  process.env.FMNIST_DATA_DIR ??
    path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/fashion-mnist'),
);
const { images } = await loadDataset({ split: 'train', dataDir, cache: false });

/**
 * toFloat32's conversion before the lookup tables, for the 'scale' mode timed here: one
 * multiply-add per pixel (`x * (1 / 255) + 0`, the same floats).
 */
function multiplyAdd(src: Uint8Array, out: Float32Array): Float32Array {
  const scale = 1 / 255;
  for (let i = 0; i < src.length; i++) out[i] = src[i] * scale + 0;
  return out;
}

const reused = new Float32Array(images.length);
const variants: Record<string, () => Float32Array> = {
  'toFloat32, fresh array': () => toFloat32(images),
  'toFloat32, reused out': () => toFloat32(images, { out: reused }),
  'before (multiply-add), fresh': () => multiplyAdd(images, new Float32Array(images.length)),
  'before (multiply-add), reused': () => multiplyAdd(images, reused),
};
const samples: Record<string, number[]> = Object.fromEntries(
  Object.keys(variants).map((k) => [k, []]),
);
for (const run of Object.values(variants)) run(); // warm-up: JIT and first touch of `reused`
const mismatch = toFloat32(images).findIndex((v, i) => v !== reused[i]);
if (mismatch >= 0)
  console.log(`  (!) toFloat32 differs from the multiply-add at pixel ${mismatch}`);
for (let r = 0; r < rounds; r++) {
  for (const [name, run] of Object.entries(variants)) {
    const t0 = performance.now();
    run();
    samples[name].push(performance.now() - t0);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms: Record<string, number> = {};
for (const [name, xs] of Object.entries(samples)) ms[name] = median(xs);

// numpy: the same 47M bytes, fresh (`astype(float32) / 255`) and into a reused array.
const numpyScript = `
import gzip, json, sys, time
import numpy as np
raw = gzip.open(sys.argv[1]).read()
a = np.frombuffer(raw, dtype=np.uint8, offset=16)
out = np.empty(a.shape, np.float32)
fresh, reused = [], []
(a.astype(np.float32) / 255); np.multiply(a, np.float32(1 / 255), out=out, dtype=np.float32)
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); b = a.astype(np.float32) / 255; fresh.append((time.perf_counter() - t) * 1000); del b
    t = time.perf_counter(); np.multiply(a, np.float32(1 / 255), out=out, dtype=np.float32); reused.append((time.perf_counter() - t) * 1000)
print(json.dumps({"version": np.__version__, "fresh": sorted(fresh)[len(fresh) // 2], "reused": sorted(reused)[len(reused) // 2]}))
`;
let numpy: { version: string; fresh: number; reused: number } | string;
try {
  numpy = JSON.parse(
    execFileSync(
      '/usr/bin/python3',
      ['-c', numpyScript, path.join(dataDir, 'train-images-idx3-ubyte.gz'), String(rounds)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
} catch (error) {
  numpy = `numpy: not available (${String((error as Error).message).split('\n')[0]})`;
}

console.log(
  `toFloat32 on the ${(images.length / 784).toLocaleString('en')} training images (${(images.length / 1e6).toFixed(1)}M pixels), median of ${rounds}, Node ${process.version}`,
);
for (const [name, value] of Object.entries(ms)) {
  console.log(`  ${name.padEnd(32)} ${value.toFixed(1).padStart(7)} ms`);
}
console.log(
  `  lookup table vs before: ${(ms['before (multiply-add), fresh'] / ms['toFloat32, fresh array']).toFixed(2)}x faster fresh, ` +
    `${(ms['before (multiply-add), reused'] / ms['toFloat32, reused out']).toFixed(2)}x reused`,
);
if (typeof numpy === 'string') {
  console.log(`  ${numpy}`);
} else {
  console.log(
    `  numpy ${numpy.version} astype(float32) / 255      ${numpy.fresh.toFixed(1).padStart(7)} ms`,
  );
  console.log(`  numpy multiply into a reused array ${numpy.reused.toFixed(1).padStart(7)} ms`);
  for (const [what, ours, theirs] of [
    ['fresh', ms['toFloat32, fresh array'], numpy.fresh],
    ['reused', ms['toFloat32, reused out'], numpy.reused],
  ] as const) {
    const ratio = ours / theirs;
    console.log(
      `  toFloat32 / numpy, ${what}: ${ratio.toFixed(2)}x (target <= 1.5x: ${ratio <= 1.5 ? 'met' : 'not met'})`,
    );
  }
}
