// Training throughput of the baseline MLP and CNN on tfjs wasm and cpu against PyTorch, one run.
//
//   pnpm bench [--backends wasm,cpu] [--models mlp,cnn] [--seconds 6] [--cpu-seconds 4]
//              [--threads 1,2] [--profile-steps 3] [--no-torch] [--out FILE]
//
// Per backend and model: training samples/s through the baseline's own pipeline (toTfDataset ->
// trainOnBatch, batch 64, Adam), one warm-up step excluded, and the share of each step spent in
// fmnist code (the dataset iterator: batch assembly, float conversion, tensor creation). Then
// the same architectures in PyTorch (/usr/bin/python3, bench/torch_train.py) on the same images,
// batch, optimizer and thread count, and the ratio; the ten kernels that take the most time in a
// CNN training step on wasm. Then, if the threaded SIMD wasm build starts in Node (the probe
// bench/wasmThreads.ts, in a child process), both models on it with each `--threads` count
// (`setWasmThreads`), against PyTorch with the same thread count.
// Prints numbers, asserts nothing; writes results/bench.json.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { subset, toFloat32 } from '@fmnist/core';
import { loadDataset } from '@fmnist/core/node';
import { toTfDataset } from '@fmnist/tfjs';
import {
  registerWasmTrainingKernels,
  setWasmThreads,
  WASM_TRAINING_KERNELS,
  WASM_WRAPPED_KERNELS,
} from '@fmnist/tfjs/wasm-kernels';
import { buildModel } from '@fmnist-examples/baseline-kit/tfjs';
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { NODE_BACKENDS } from '../src/nodeBackend.ts';
import { TFJS_MODELS, type TfjsModelKind } from '../src/train.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);
const opts = new Command('tfjs-baseline-bench')
  .option('--backends <list>', 'tfjs backends to measure', 'wasm,cpu')
  .option('--models <list>', 'comma-separated models', 'mlp,cnn')
  .option('--seconds <s>', 'training time per model on wasm and in PyTorch', Number, 6)
  .option('--cpu-seconds <s>', 'training time per model on the (slow) cpu backend', Number, 4)
  .option('--batch-size <n>', 'training batch size', Number, 64)
  .option('--threads <list>', 'thread counts of the threaded wasm build and of PyTorch', '1,2')
  .option('--profile-steps <n>', 'CNN steps profiled on wasm (0: none)', Number, 3)
  .option('--no-torch', 'skip PyTorch')
  .option('--out <file>', 'JSON output', 'results/bench.json')
  .parse()
  .opts();
const models = String(opts.models).split(',') as TfjsModelKind[];
const batchSize = opts.batchSize as number;
const threadCounts = String(opts.threads).split(',').map(Number);
/** Targets of issue 16 for the data path's share of a training step. */
const DATA_SHARE_TARGET: Record<TfjsModelKind, number> = { mlp: 0.05, cnn: 0.02 };

interface TrainRow {
  /** `wasm` (the stock, single-threaded SIMD build), `wasm-threaded` or `cpu`. */
  backend: string;
  /** Threads the backend ran (wasm: `getThreadsCount()`). */
  threads: number;
  model: TfjsModelKind;
  steps: number;
  samplesPerSecond: number;
  msPerStep: number;
  /** Share of step time spent in the dataset iterator (fmnist code). */
  dataShare: number;
}

const train = await loadDataset({ split: 'train' });
// One fixed pool of images for every framework: the first 200 batches of the training split.
const pool = subset(train, { count: Math.min(train.count, batchSize * 200) });

/**
 * Trains `kind` on the active backend for `seconds` (at least `minSteps` steps, after one warm-up
 * step when `warmUp`); data-path time is measured apart.
 */
async function measureTraining(
  kind: TfjsModelKind,
  seconds: number,
  { warmUp = true, minSteps = 2 } = {},
): Promise<TrainRow> {
  const model = buildModel(TFJS_MODELS[kind], 42);
  const dataset = toTfDataset(pool, { batchSize, shuffle: true, seed: 1 });
  let iterator = await dataset.iterator();
  let steps = 0;
  let dataMs = 0;
  let stepMs = 0;
  for (let warm = warmUp; ; warm = false) {
    const t0 = performance.now();
    let next = await iterator.next();
    if (next.done) {
      iterator = await dataset.iterator();
      next = await iterator.next();
    }
    const t1 = performance.now();
    await model.trainOnBatch(next.value.xs, next.value.ys);
    tf.dispose([next.value.xs, next.value.ys]);
    const t2 = performance.now();
    if (warm) continue;
    steps++;
    dataMs += t1 - t0;
    stepMs += t2 - t0;
    if (stepMs > seconds * 1000 && steps >= minSteps) break;
  }
  model.optimizer.dispose();
  model.dispose();
  return {
    backend: tf.getBackend(),
    threads: 1,
    model: kind,
    steps,
    samplesPerSecond: Math.round(((steps * batchSize) / stepMs) * 1000),
    msPerStep: Math.round((stepMs / steps) * 10) / 10,
    dataShare: dataMs / stepMs,
  };
}

/** Milliseconds per kernel name over `steps` CNN training steps (tf.profile), slowest first. */
async function profileCnn(steps: number) {
  const model = buildModel('cnn-small', 42);
  const iterator = await toTfDataset(pool, { batchSize, shuffle: true, seed: 2 }).iterator();
  const totals = new Map<string, { ms: number; calls: number }>();
  let wallMs = 0;
  for (let s = 0; s <= steps; s++) {
    const { value } = await iterator.next();
    const t0 = performance.now();
    const info = await tf.profile(async () => {
      await model.trainOnBatch(value.xs, value.ys);
    });
    const elapsed = performance.now() - t0;
    tf.dispose([value.xs, value.ys]);
    if (s === 0) continue; // warm-up
    wallMs += elapsed;
    for (const k of info.kernels) {
      const ms = await k.kernelTimeMs;
      const entry = totals.get(k.name) ?? { ms: 0, calls: 0 };
      entry.ms += typeof ms === 'number' ? ms : 0;
      entry.calls++;
      totals.set(k.name, entry);
    }
  }
  model.optimizer.dispose();
  model.dispose();
  const ours = new Set([...WASM_TRAINING_KERNELS, ...WASM_WRAPPED_KERNELS]);
  const rows = [...totals.entries()]
    .map(([name, { ms, calls }]) => ({
      kernel: name,
      'ms/step': Math.round((ms / steps) * 100) / 100,
      'share of step': `${((ms / wallMs) * 100).toFixed(1)}%`,
      'calls/step': calls / steps,
      from: ours.has(name) ? '@fmnist/tfjs' : 'tfjs-backend-wasm',
    }))
    .sort((a, b) => b['ms/step'] - a['ms/step']);
  return { msPerStep: wallMs / steps, top: rows.slice(0, 10), all: rows };
}

/** The same architectures in PyTorch on the pool's images; a string says why not. */
async function torchRows(
  threads: number,
): Promise<
  { torch: string; threads: number; rows: Record<string, { samplesPerSecond: number }> } | string
> {
  if (!opts.torch) return 'PyTorch: skipped (--no-torch)';
  try {
    await run('/usr/bin/python3', ['-c', 'import torch, numpy']);
  } catch {
    return 'PyTorch: not installed (/usr/bin/python3 cannot import torch and numpy; Debian: apt-get install python3-torch)';
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tfjs-bench-'));
  try {
    const data = path.join(dir, 'images.f32');
    const labels = path.join(dir, 'labels.u8');
    await writeFile(data, toFloat32(pool.images));
    await writeFile(labels, pool.labels);
    const { stdout } = await run(
      '/usr/bin/python3',
      [
        path.join(here, 'torch_train.py'),
        data,
        labels,
        String(pool.count),
        String(threads),
        String(batchSize),
        String(opts.seconds),
        models.join(','),
      ],
      { maxBuffer: 1 << 20 },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
  } catch (error) {
    return `PyTorch: failed (${String((error as Error).message).split('\n')[0]})`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The threaded-SIMD probe, in a child process with a timeout (a stuck pthread pool hangs). */
async function threadsProbe(
  threads: number,
): Promise<{ ok: boolean; threads: number; error?: string }> {
  try {
    const { stdout } = await run(
      process.execPath,
      [...process.execArgv, path.join(here, 'wasmThreads.ts'), String(threads)],
      { timeout: 60_000 },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
  } catch (error) {
    return { ok: false, threads, error: String((error as Error).message).split('\n')[0] };
  }
}

const rows: TrainRow[] = [];
let profile: Awaited<ReturnType<typeof profileCnn>> | undefined;
for (const name of String(opts.backends).split(',')) {
  const candidate = NODE_BACKENDS.find((c) => c.name === name);
  if (!candidate || !(await candidate.load().catch(() => false))) {
    console.log(`${name}: not available, skipped`);
    continue;
  }
  await tf.ready();
  for (const kind of models) {
    // The cpu backend compiles nothing (no warm-up needed) and takes tens of seconds per CNN step.
    const row =
      name === 'cpu'
        ? await measureTraining(kind, opts.cpuSeconds, { warmUp: false, minSteps: 1 })
        : await measureTraining(kind, opts.seconds);
    rows.push(row);
    console.log(
      `tfjs ${name.padEnd(4)} ${kind}  ${String(row.samplesPerSecond).padStart(6)} samples/s  (${row.msPerStep} ms/step of ${batchSize}, ${row.steps} steps; data path ${(row.dataShare * 100).toFixed(2)}% of a step)`,
    );
  }
  if (name === 'wasm' && models.includes('cnn') && opts.profileSteps > 0) {
    profile = await profileCnn(opts.profileSteps);
  }
}

// The threaded build, probed first in a child process (a pool that never starts hangs there, not
// here), then measured in this one at each thread count.
const threads = await threadsProbe(Math.max(...threadCounts));
if (threads.ok) {
  registerWasmTrainingKernels();
  for (const count of threadCounts) {
    const ran = await setWasmThreads(count);
    for (const kind of models) {
      const row = {
        ...(await measureTraining(kind, opts.seconds)),
        backend: 'wasm-threaded',
        threads: ran,
      };
      rows.push(row);
      console.log(
        `tfjs wasm threaded SIMD, ${ran} thread${ran > 1 ? 's' : ''}, ${kind}  ${String(row.samplesPerSecond).padStart(6)} samples/s  (${row.msPerStep} ms/step; data path ${(row.dataShare * 100).toFixed(2)}% of a step)`,
      );
    }
  }
} else {
  console.log(
    `tfjs wasm threaded SIMD build: not measured, it does not start in Node here: ${threads.error}`,
  );
}

const torch: Record<number, Awaited<ReturnType<typeof torchRows>>> = {};
for (const count of threadCounts) {
  const result = await torchRows(count);
  torch[count] = result;
  if (typeof result === 'string') {
    console.log(result);
    break;
  }
  for (const kind of models) {
    const t = result.rows[kind];
    if (t)
      console.log(
        `PyTorch ${result.torch} (${result.threads} thread${result.threads > 1 ? 's' : ''}) ${kind}  ${Math.round(t.samplesPerSecond)} samples/s`,
      );
  }
}

console.log(
  `\nTraining samples/s, batch ${batchSize}, Adam, same thread count on both sides ("tfjs wasm": the stock single-threaded SIMD build; "wasm threaded": setWasmThreads):`,
);
console.table(
  models.flatMap((kind) =>
    threadCounts.map((count) => {
      const stock =
        count === 1 ? rows.find((r) => r.backend === 'wasm' && r.model === kind) : undefined;
      const threaded = rows.find(
        (r) => r.backend === 'wasm-threaded' && r.model === kind && r.threads === count,
      );
      const cpu =
        count === 1 ? rows.find((r) => r.backend === 'cpu' && r.model === kind) : undefined;
      const pytorch = torch[count];
      const pt = typeof pytorch === 'object' ? pytorch.rows[kind]?.samplesPerSecond : undefined;
      // The faster of the two wasm builds at this thread count is what a user would run.
      const wasm = [stock, threaded]
        .filter((r) => r !== undefined)
        .sort((a, b) => b.samplesPerSecond - a.samplesPerSecond)[0];
      return {
        model: `${kind} (${TFJS_MODELS[kind]})`,
        threads: count,
        'tfjs wasm': stock?.samplesPerSecond ?? '-',
        'wasm threaded': threaded?.samplesPerSecond ?? '-',
        'tfjs cpu': cpu?.samplesPerSecond ?? '-',
        PyTorch: pt === undefined ? '-' : Math.round(pt),
        'wasm / PyTorch': wasm && pt ? `${(wasm.samplesPerSecond / pt).toFixed(2)}x` : '-',
        'data path (wasm)': wasm ? `${(wasm.dataShare * 100).toFixed(2)}%` : '-',
        target: `< ${DATA_SHARE_TARGET[kind] * 100}%`,
        met: wasm ? (wasm.dataShare < DATA_SHARE_TARGET[kind] ? 'yes' : 'no') : '-',
      };
    }),
  ),
);
if (profile) {
  console.log(
    `\nTop kernels of a cnn-small training step on wasm (tf.profile, ${opts.profileSteps} steps, ${profile.msPerStep.toFixed(1)} ms/step while profiled):`,
  );
  console.table(profile.top);
}

const file = path.resolve(opts.out);
await mkdir(path.dirname(file), { recursive: true });
await writeFile(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, tfjs: tf.version.tfjs, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadAverage: os.loadavg(), batchSize, rows, threads, torch, profile }, null, 2)}\n`,
);
console.log(`written ${file}`);
