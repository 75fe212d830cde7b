// `toFloat32` on the 60,000 training images, wasm SIMD and JS tables, against numpy's `astype(float32) / 255`, same machine.
//
//   node --expose-gc --conditions=@fmnist/source --import tsx bench/toFloat32.bench.ts
//
// Median of BENCH_ROUNDS (default 7) calls, interleaved so machine load hits every variant
// alike: into a fresh Float32Array (what a plain call does) and into a reused one (`out`), on the
// wasm SIMD kernel that toFloat32 picks and with wasm turned off (the JavaScript lookup tables,
// what browsers without SIMD or with a CSP that forbids wasm run). numpy runs from /usr/bin/python3
// (Debian's python3-numpy) when it imports; it reads the IDX `.gz` itself. Prints numbers and the
// ratio to the 1.5x target; asserts nothing. numpy's fresh arrays get transparent huge pages
// (it madvises them), JavaScript's cannot, so first-touch page faults weigh more on our fresh run;
// so on Linux the bench also times the fresh runs in a child Node under
// GLIBC_TUNABLES=glibc.malloc.hugetlb=1, which makes glibc madvise its big blocks the same way.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset, toFloat32 } from '@fmnist/core/node';
import { useFloat32Wasm } from '../src/float32Simd.ts';
import { float32KernelFor } from '../src/transforms.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
/** Set in the child that times the fresh runs with huge pages; it prints its medians as JSON. */
const hugePagesChild = process.env.FMNIST_BENCH_HUGE_PAGES_CHILD === '1';
const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';
const dataDir = path.resolve(
  process.env.FMNIST_DATA_DIR ??
    path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/fashion-mnist'),
);
const { images } = await loadDataset({ split: 'train', dataDir, cache: false });

const standardize = { normalize: 'standardize' } as const;
const reused = new Float32Array(images.length);
/** Each variant: whether wasm is on (switched outside the timing), and the call timed. */
const variants: Record<string, [wasm: boolean, run: () => Float32Array]> = {
  'wasm, fresh array': [true, () => toFloat32(images)],
  'wasm, reused out': [true, () => toFloat32(images, { out: reused })],
  'JS tables, fresh array': [false, () => toFloat32(images)],
  'JS tables, reused out': [false, () => toFloat32(images, { out: reused })],
  'standardize, wasm, reused': [true, () => toFloat32(images, { ...standardize, out: reused })],
  'standardize, JS, reused': [false, () => toFloat32(images, { ...standardize, out: reused })],
  // The floor of every fresh run: allocating the 188 MB and faulting its pages in, no conversion.
  'first touch of a fresh array': [true, () => new Float32Array(images.length).fill(0)],
  // The page faults alone: one store per 4 KiB page, what no conversion into fresh memory avoids.
  'page faults alone (1 store a page)': [true, () => faultPages(new Float32Array(images.length))],
};
// The huge-page child times only what huge pages change (fresh memory), and skips the bit check.
if (hugePagesChild) {
  for (const name of Object.keys(variants)) {
    if (!/fresh|first touch|page faults/.test(name)) delete variants[name];
  }
}
/** Faults `a`'s pages in with one store each. */
function faultPages(a: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i += 1024) a[i] = 0;
  return a;
}
const samples: Record<string, number[]> = Object.fromEntries(
  Object.keys(variants).map((k) => [k, []]),
);
const kernels = { scale: float32KernelFor(), standardize: float32KernelFor(standardize) };
for (const [wasm, run] of Object.values(variants)) {
  useFloat32Wasm(wasm);
  run(); // warm-up: JIT, the kernel's choice, and the first touch of `reused`
}
// The two paths must agree bit for bit on the whole split.
for (const options of hugePagesChild ? [] : [{}, standardize]) {
  useFloat32Wasm(true);
  const viaWasm = new Uint32Array(toFloat32(images, options).buffer);
  useFloat32Wasm(false);
  const viaJs = new Uint32Array(toFloat32(images, options).buffer);
  const mismatch = viaWasm.findIndex((bits, i) => bits !== viaJs[i]);
  if (mismatch >= 0)
    console.log(`  (!) wasm and JS differ at pixel ${mismatch} (${JSON.stringify(options)})`);
}
for (let r = 0; r < rounds; r++) {
  for (const [name, [wasm, run]] of Object.entries(variants)) {
    useFloat32Wasm(wasm);
    run(); // not timed: makes the kernel's one-time choice after the switch
    // Free the last 188 MB arrays now: V8 would otherwise collect them inside some timed call.
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = performance.now();
    run();
    samples[name].push(performance.now() - t0);
  }
}
useFloat32Wasm(true);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms: Record<string, number> = {};
for (const [name, xs] of Object.entries(samples)) ms[name] = median(xs);
if (hugePagesChild) {
  console.log(JSON.stringify(ms));
  process.exit(0);
}

/**
 * The same medians from a child Node whose glibc madvises big blocks onto huge pages (Linux with
 * glibc 2.35+; elsewhere, or where the tunable is ignored, the child's first touch shows it).
 */
function withHugePages(): Record<string, number> | string {
  if (process.platform !== 'linux') return 'not Linux';
  const tunables = [process.env.GLIBC_TUNABLES, HUGE_PAGES_TUNABLE].filter(Boolean).join(':');
  try {
    const out = execFileSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url)],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, GLIBC_TUNABLES: tunables, FMNIST_BENCH_HUGE_PAGES_CHILD: '1' },
      },
    );
    return JSON.parse(out.trim().split('\n').at(-1) ?? '');
  } catch (error) {
    return `failed (${String((error as Error).message).split('\n')[0]})`;
  }
}
const huge = process.env.GLIBC_TUNABLES?.includes(HUGE_PAGES_TUNABLE)
  ? 'this process already runs with it'
  : withHugePages();

// numpy: the same 47M bytes, fresh (`astype(float32) / 255`) and into a reused array.
const numpyScript = `
import gzip, json, sys, time
import numpy as np
raw = gzip.open(sys.argv[1]).read()
a = np.frombuffer(raw, dtype=np.uint8, offset=16)
out = np.empty(a.shape, np.float32)
fresh, reused, touch = [], [], []
(a.astype(np.float32) / 255); np.multiply(a, np.float32(1 / 255), out=out, dtype=np.float32)
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); b = a.astype(np.float32) / 255; fresh.append((time.perf_counter() - t) * 1000); del b
    t = time.perf_counter(); np.multiply(a, np.float32(1 / 255), out=out, dtype=np.float32); reused.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter(); b = np.empty(a.shape, np.float32); b.fill(0); touch.append((time.perf_counter() - t) * 1000); del b
med = lambda xs: sorted(xs)[len(xs) // 2]
print(json.dumps({"version": np.__version__, "fresh": med(fresh), "reused": med(reused), "touch": med(touch)}))
`;
let numpy: { version: string; fresh: number; reused: number; touch: number } | string;
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
console.log(`  kernels: 'scale' -> ${kernels.scale}, 'standardize' -> ${kernels.standardize}`);
for (const [name, value] of Object.entries(ms)) {
  console.log(`  ${name.padEnd(34)} ${value.toFixed(1).padStart(7)} ms`);
}
console.log(
  `  wasm vs JS tables: ${(ms['JS tables, fresh array'] / ms['wasm, fresh array']).toFixed(2)}x faster fresh, ` +
    `${(ms['JS tables, reused out'] / ms['wasm, reused out']).toFixed(2)}x reused, ` +
    `${(ms['standardize, JS, reused'] / ms['standardize, wasm, reused']).toFixed(2)}x standardize reused`,
);
if (typeof numpy === 'string') {
  console.log(`  ${numpy}`);
} else {
  console.log(
    `  numpy ${numpy.version} astype(float32) / 255        ${numpy.fresh.toFixed(1).padStart(7)} ms`,
  );
  console.log(`  numpy multiply into a reused array   ${numpy.reused.toFixed(1).padStart(7)} ms`);
  console.log(`  numpy first touch (empty + fill)     ${numpy.touch.toFixed(1).padStart(7)} ms`);
  for (const [what, path, ours, theirs] of [
    ['fresh', 'wasm', ms['wasm, fresh array'], numpy.fresh],
    ['reused', 'wasm', ms['wasm, reused out'], numpy.reused],
    ['fresh', 'JS tables', ms['JS tables, fresh array'], numpy.fresh],
    ['reused', 'JS tables', ms['JS tables, reused out'], numpy.reused],
  ] as const) {
    const ratio = ours / theirs;
    console.log(
      `  toFloat32 (${path}) / numpy, ${what}: ${ratio.toFixed(2)}x (target <= 1.5x: ${ratio <= 1.5 ? 'met' : 'not met'})`,
    );
  }
  // numpy's large arrays are madvised onto transparent huge pages; an ArrayBuffer cannot ask.
  const touch = ms['first touch of a fresh array'];
  console.log(
    `  first touch alone, JS / numpy: ${(touch / numpy.touch).toFixed(2)}x; fresh minus first touch, ` +
      `wasm / numpy: ${((ms['wasm, fresh array'] - touch) / Math.max(numpy.fresh - numpy.touch, 0.1)).toFixed(2)}x`,
  );
  const faults = ms['page faults alone (1 store a page)'];
  console.log(
    `  page faults alone: ${faults.toFixed(1)} ms, ${(faults / numpy.fresh).toFixed(2)}x numpy's whole astype(float32) / 255 (a fresh array's floor without huge pages)`,
  );
  const reusedVsAstype = ms['wasm, reused out'] / numpy.fresh;
  console.log(
    `  toFloat32 (wasm) reused / numpy astype(float32) / 255: ${reusedVsAstype.toFixed(2)}x (target <= 1.5x: ${reusedVsAstype <= 1.5 ? 'met' : 'not met'})`,
  );
  if (typeof huge === 'string') {
    console.log(`  with ${HUGE_PAGES_TUNABLE}: ${huge}`);
  } else {
    const fresh = huge['wasm, fresh array'] / numpy.fresh;
    console.log(
      `  child Node with GLIBC_TUNABLES=${HUGE_PAGES_TUNABLE} (huge pages, as numpy's): wasm fresh ` +
        `${huge['wasm, fresh array'].toFixed(1)} ms, first touch ${huge['first touch of a fresh array'].toFixed(1)} ms; ` +
        `fresh / numpy: ${fresh.toFixed(2)}x (target <= 1.5x: ${fresh <= 1.5 ? 'met' : 'not met'})`,
    );
  }
}
