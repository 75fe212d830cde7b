// Whether tfjs-backend-wasm's threaded SIMD build starts in Node: one probe, run in a child process.
//
// tfjs-backend-wasm 4.x by itself never loads its threaded build in Node (its
// WASM_HAS_MULTITHREAD_SUPPORT flag returns false when IS_NODE, tfjs issue #3830, and forcing it
// fails with ERR_WORKER_PATH on the Blob URL its init() gives the pthread workers), so the probe
// starts it the way `@fmnist/tfjs/wasm-kernels`' `setWasmThreads` does, asks for `threads`
// threads and runs a small matMul; it prints one JSON line: `{ ok, threads, error? }`, `threads`
// being what the backend reports. `bench.ts` runs it with a timeout before measuring in its own
// process: a pthread pool that never starts hangs instead of failing.
import { setWasmThreads } from '@fmnist/tfjs/wasm-kernels';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

const threads = Number(process.argv[2] ?? 2);
const report = (value: Record<string, unknown>) => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
  process.exit(0);
};
try {
  const count = await setWasmThreads(threads);
  const a = tf.randomUniform([256, 256]);
  await tf.matMul(a, a).data();
  if (count !== threads)
    report({ ok: false, threads: count, error: `asked ${threads}, runs ${count}` });
  report({ ok: true, threads: count });
} catch (error) {
  const e = error as { message?: string };
  report({ ok: false, threads, error: String(e?.message ?? error).split('\n')[0] });
}
