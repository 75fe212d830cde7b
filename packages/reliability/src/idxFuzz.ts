// The IDX decoder under property runs: per-decode clock and memory meter, the result checks, and one ledger record per property (category hostile IDX).
import v8 from 'node:v8';
import { gunzip, type IdxType, isFmnistError, nodeGunzip } from '@fmnist/core/node';
import { FIXTURE_IDX_TYPES, gzipBytes, makeIdx } from '@fmnist/test-utils';
import fc from 'fast-check';
import { record } from './ledger.ts';

// Nominal runs: 110,000 over the four properties at FMNIST_FUZZ_SCALE=1 (`pnpm test:reliability`).
const scale = Number(process.env.FMNIST_FUZZ_SCALE ?? '1');
/** Property runs for a nominal `n`, scaled by FMNIST_FUZZ_SCALE (at least 100). */
export const runs = (n: number) => Math.max(100, Math.round(n * scale));
/** A fixed seed per property keeps a run reproducible; FMNIST_FUZZ_SEED explores new inputs. */
export const baseSeed = Number(process.env.FMNIST_FUZZ_SEED ?? '20241129');

/** How the decoder fared over one property's runs. */
export interface Stats {
  ok: number;
  codes: Record<string, number>;
  maxMs: number;
  /** Largest growth of V8's external memory (where ArrayBuffers live) over one decode. */
  maxGrowthBytes: number;
}

/** Empty {@link Stats} for a property. */
export const newStats = (): Stats => ({ ok: 0, codes: {}, maxMs: 0, maxGrowthBytes: 0 });

/**
 * Slack for allocations that do not depend on the input: small typed arrays, error objects, and
 * the 16 kB output chunk of an inflater (both inflaters are warmed up first, see
 * {@link warmUpInflaters}).
 */
export const SLACK = 64 * 1024;

/**
 * Runs both inflaters once, for `beforeAll`: the first DecompressionStream of a process also
 * loads the web-streams machinery (~180 kB), which no decode's budget should pay for.
 */
export async function warmUpInflaters(): Promise<void> {
  const tiny = gzipBytes(makeIdx('uint8', [1], [1]));
  await gunzip(tiny);
  await nodeGunzip(tiny);
}

// "No hang": generous, since a loaded CI machine can pause a process for a while.
const MAX_MS = 2000;
const ALLOWED = new Set(['INVALID_IDX', 'INVALID_GZIP']);

const external = () => v8.getHeapStatistics().external_memory;

/** The number of items of an IDX shape. */
export function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The checks on a decode that returned: shape, length and size all consistent with the input. */
export function checkResult(
  result: { type: IdxType; shape: number[]; data: ArrayBufferView & { length: number } },
  rawLength: number,
): void {
  const elements = product(result.shape);
  if (result.data.length !== elements)
    throw new Error(`data.length ${result.data.length} != ${elements}`);
  const size = FIXTURE_IDX_TYPES[result.type].size;
  if (result.data.byteLength !== elements * size) throw new Error('byteLength mismatch');
  if (4 + 4 * result.shape.length + result.data.byteLength !== rawLength) {
    throw new Error('decoded size differs from the IDX bytes');
  }
}

/** Runs one decode under the clock and the memory meter; rethrows anything untyped. */
export function measureSync(stats: Stats, input: Uint8Array, fn: () => void, budget: number): void {
  const before = external();
  const t0 = performance.now();
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - t0;
  const growth = external() - before;
  account(stats, input, error, ms, growth, budget);
}

/** {@link measureSync} for an async decode. */
export async function measureAsync(
  stats: Stats,
  input: Uint8Array,
  fn: () => Promise<void>,
  budget: number,
): Promise<void> {
  const before = external();
  const t0 = performance.now();
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - t0;
  const growth = external() - before;
  account(stats, input, error, ms, growth, budget);
}

function account(
  stats: Stats,
  input: Uint8Array,
  error: unknown,
  ms: number,
  growth: number,
  budget: number,
): void {
  stats.maxMs = Math.max(stats.maxMs, ms);
  stats.maxGrowthBytes = Math.max(stats.maxGrowthBytes, growth);
  if (error === undefined) stats.ok += 1;
  else if (isFmnistError(error) && ALLOWED.has(error.code)) {
    stats.codes[error.code] = (stats.codes[error.code] ?? 0) + 1;
  } else {
    throw new Error(`untyped or unexpected error: ${String(error)}`, { cause: error });
  }
  if (ms > MAX_MS) throw new Error(`decode took ${ms.toFixed(0)} ms (limit ${MAX_MS})`);
  if (growth > budget) {
    throw new Error(
      `memory grew by ${growth} bytes for a ${input.length}-byte input (budget ${budget})`,
    );
  }
}

/** The part of fast-check's RunDetails that the report uses. */
export interface Details {
  failed: boolean;
  numRuns: number;
  seed: number;
  counterexample: unknown;
  errorInstance: unknown;
}

/** Records one property's runs in the ledger; throws with the counterexample when it failed. */
export function reportProperty(name: string, expected: string, details: Details, stats: Stats) {
  const tried = details.numRuns;
  const passed = details.failed ? tried - 1 : tried;
  record({
    category: 'hostile IDX',
    name,
    expected,
    outcome: details.failed
      ? `FAILED: ${String(details.errorInstance).split('\n')[0]} (seed ${details.seed})`
      : `ok ${stats.ok}, ${Object.entries(stats.codes)
          .map(([code, n]) => `${code} ${n}`)
          .join(
            ', ',
          )}; slowest ${stats.maxMs.toFixed(1)} ms, largest memory growth ${(stats.maxGrowthBytes / 1024).toFixed(0)} kB`,
    tried,
    passed,
    corrupt: 0,
    temp: 0,
    facts: { seed: details.seed },
  });
  if (details.failed) {
    throw new Error(
      `${name}: counterexample ${JSON.stringify(details.counterexample, (_k, v) =>
        v instanceof Uint8Array ? Array.from(v.subarray(0, 64)) : v,
      )}\n${String(details.errorInstance)}`,
    );
  }
}

/** One property of the hostile-IDX suite: its ledger words, nominal runs and seed offset. */
export interface PropertySpec {
  /** The case name in the ledger. */
  name: string;
  /** The expected outcome in words. */
  expected: string;
  /** Nominal runs, scaled by {@link runs}. */
  runs: number;
  /** Offset from {@link baseSeed}: each property has its own fixed seed. */
  seed: number;
  /** fast-check's per-run timeout (ms), for async properties. */
  timeout?: number;
}

/**
 * Checks the property `build` makes over fresh {@link Stats}, with the scaled runs and the
 * fixed seed, records it ({@link reportProperty}, which throws on a counterexample) and returns
 * the stats and fast-check's details for the test's own checks.
 */
export async function checkProperty<Ts extends [unknown, ...unknown[]]>(
  spec: PropertySpec,
  build: (stats: Stats) => fc.IRawProperty<Ts, boolean>,
): Promise<{ stats: Stats; details: Details }> {
  const stats = newStats();
  const details = await fc.check(build(stats), {
    numRuns: runs(spec.runs),
    seed: baseSeed + spec.seed,
    ...(spec.timeout === undefined ? {} : { timeout: spec.timeout }),
  });
  reportProperty(spec.name, spec.expected, details, stats);
  return { stats, details };
}
