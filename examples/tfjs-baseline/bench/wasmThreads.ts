// Whether tfjs-backend-wasm's threaded SIMD build starts in Node: one probe, run in a child process.
//
// tfjs-backend-wasm 4.x reports no thread support in Node (its WASM_HAS_MULTITHREAD_SUPPORT flag
// returns false when IS_NODE, tfjs issue #3830), so it loads the single-threaded SIMD binary. The
// probe forces the flag, asks for `threads` threads and runs a small matMul; it prints one JSON
// line: `{ ok, threads, error? }`. `bench.ts` runs it with a timeout: a pthread pool that never
// starts hangs instead of failing.
import * as tf from '@tensorflow/tfjs';
import * as wasm from '@tensorflow/tfjs-backend-wasm';

const threads = Number(process.argv[2] ?? 2);
const report = (value: Record<string, unknown>) => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
  process.exit(0);
};
try {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  const ok = await tf.setBackend('wasm');
  if (!ok) report({ ok: false, threads, error: 'tf.setBackend("wasm") returned false' });
  const a = tf.randomUniform([256, 256]);
  await tf.matMul(a, a).data();
  report({ ok: true, threads: wasm.getThreadsCount() });
} catch (error) {
  const e = error as { message?: string };
  report({ ok: false, threads, error: String(e?.message ?? error).split('\n')[0] });
}
