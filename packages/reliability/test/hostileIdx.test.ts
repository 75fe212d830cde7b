// Hostile and malformed IDX input, property-based (fast-check): random bytes, valid files with
// mutations (flipped bytes, truncation, trailing junk, forged dims, rank and type bytes), gzip
// files with mutations, and headers that promise billions of items. For every input the
// decoder must either return a consistent array or throw a typed FmnistError, quickly, and
// must not allocate more than a small multiple of its input.
//
// Runs: 110,000 per `pnpm test:reliability` (FMNIST_FUZZ_SCALE=1); `pnpm test` runs 5 % of them.
import v8 from 'node:v8';
import {
  decodeIdx,
  gunzip,
  type IdxType,
  isFmnistError,
  nodeGunzip,
  parseIdx,
} from '@fmnist/core/node';
import {
  FIXTURE_IDX_TYPES,
  fixtureValues,
  gzipBytes,
  idxHeader,
  makeIdx,
} from '@fmnist/test-utils';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { record } from '../src/index.ts';

const scale = Number(process.env.FMNIST_FUZZ_SCALE ?? '1');
const runs = (n: number) => Math.max(100, Math.round(n * scale));
// A fixed seed per property keeps a run reproducible; FMNIST_FUZZ_SEED explores new inputs.
const baseSeed = Number(process.env.FMNIST_FUZZ_SEED ?? '20241129');

/** How the decoder fared over one property's runs. */
interface Stats {
  ok: number;
  codes: Record<string, number>;
  maxMs: number;
  /** Largest growth of V8's external memory (where ArrayBuffers live) over one decode. */
  maxGrowthBytes: number;
}

const newStats = (): Stats => ({ ok: 0, codes: {}, maxMs: 0, maxGrowthBytes: 0 });

// Slack for allocations that do not depend on the input: small typed arrays, error objects, and
// the 16 kB output chunk of an inflater (both inflaters are warmed up first, since the first
// DecompressionStream of a process also loads the web-streams machinery, ~180 kB).
const SLACK = 64 * 1024;

beforeAll(async () => {
  const tiny = gzipBytes(makeIdx('uint8', [1], [1]));
  await gunzip(tiny);
  await nodeGunzip(tiny);
});
// "No hang": generous, since a loaded CI machine can pause a process for a while.
const MAX_MS = 2000;
const ALLOWED = new Set(['INVALID_IDX', 'INVALID_GZIP']);

const external = () => v8.getHeapStatistics().external_memory;

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The checks on a decode that returned: shape, length and size all consistent with the input. */
function checkResult(
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
function measureSync(stats: Stats, input: Uint8Array, fn: () => void, budget: number): void {
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

async function measureAsync(
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
interface Details {
  failed: boolean;
  numRuns: number;
  seed: number;
  counterexample: unknown;
  errorInstance: unknown;
}

function report(name: string, expected: string, details: Details, stats: Stats) {
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

// --- arbitraries -----------------------------------------------------------------------------

const TYPES = Object.keys(FIXTURE_IDX_TYPES) as IdxType[];

/** A valid IDX file of a random type and a small random shape (independent encoder). */
const validIdx = fc
  .record({
    type: fc.constantFrom(...TYPES),
    shape: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 4 }),
    seed: fc.nat(),
  })
  .map(({ type, shape, seed }) => makeIdx(type, shape, fixtureValues(type, product(shape), seed)));

type Mutation =
  | { op: 'flip'; at: number; mask: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'append'; bytes: Uint8Array }
  | { op: 'dim'; index: number; value: number }
  | { op: 'rank'; value: number }
  | { op: 'type'; value: number };

const bigU32 = fc.oneof(
  fc.nat({ max: 0xffffffff }),
  fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 1_000_000_000, 65_536),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant('flip' as const),
    at: fc.nat(),
    mask: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('append' as const),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }),
  }),
  fc.record({ op: fc.constant('dim' as const), index: fc.nat({ max: 5 }), value: bigU32 }),
  fc.record({ op: fc.constant('rank' as const), value: fc.nat({ max: 255 }) }),
  fc.record({ op: fc.constant('type' as const), value: fc.nat({ max: 255 }) }),
);

function mutate(input: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = input.slice();
  for (const m of mutations) {
    if (bytes.length === 0 && m.op !== 'append') continue;
    switch (m.op) {
      case 'flip':
        bytes[m.at % bytes.length] ^= m.mask;
        break;
      case 'set':
        bytes[m.at % bytes.length] = m.value;
        break;
      case 'truncate':
        bytes = bytes.slice(0, m.at % bytes.length);
        break;
      case 'append': {
        const out = new Uint8Array(bytes.length + m.bytes.length);
        out.set(bytes);
        out.set(m.bytes, bytes.length);
        bytes = out;
        break;
      }
      case 'dim': {
        const at = 4 + 4 * m.index;
        if (at + 4 <= bytes.length) new DataView(bytes.buffer).setUint32(at, m.value, false);
        break;
      }
      case 'rank':
        if (bytes.length > 3) bytes[3] = m.value;
        break;
      case 'type':
        if (bytes.length > 2) bytes[2] = m.value;
        break;
    }
  }
  return bytes;
}

/** Raw bytes: pure noise, or noise behind a plausible `00 00 type rank` start. */
const randomInput = fc.oneof(
  fc.uint8Array({ maxLength: 128 }),
  fc
    .tuple(
      fc.constantFrom(0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e),
      fc.integer({ min: 0, max: 6 }),
      fc.uint8Array({ maxLength: 256 }),
    )
    .map(([type, rank, rest]) => {
      const out = new Uint8Array(4 + rest.length);
      out.set([0, 0, type, rank]);
      out.set(rest, 4);
      return out;
    }),
);

// --- properties ------------------------------------------------------------------------------

function parseBudget(input: Uint8Array): number {
  // parseIdx copies at most the body once (byte-swapping multi-byte types).
  return 2 * input.length + SLACK;
}

it('random bytes: parseIdx returns a consistent array or INVALID_IDX', () => {
  const stats = newStats();
  const details = fc.check(
    fc.property(randomInput, (input) => {
      measureSync(
        stats,
        input,
        () => checkResult(parseIdx(input), input.length),
        parseBudget(input),
      );
    }),
    { numRuns: runs(40_000), seed: baseSeed + 1 },
  );
  report(
    'random bytes (parseIdx)',
    'array or INVALID_IDX, < 2 s, memory < 2x input + 64 kB',
    details,
    stats,
  );
  expect(stats.ok + Object.values(stats.codes).reduce((a, b) => a + b, 0)).toBe(details.numRuns);
});

it('mutated valid files: parseIdx returns a consistent array or INVALID_IDX', () => {
  const stats = newStats();
  const details = fc.check(
    fc.property(validIdx, fc.array(mutation, { maxLength: 4 }), (valid, mutations) => {
      const input = mutate(valid, mutations);
      measureSync(
        stats,
        input,
        () => {
          const result = parseIdx(input);
          checkResult(result, input.length);
        },
        parseBudget(input),
      );
    }),
    { numRuns: runs(50_000), seed: baseSeed + 2 },
  );
  report(
    'mutated valid files (parseIdx)',
    'array or INVALID_IDX, < 2 s, memory < 2x input + 64 kB',
    details,
    stats,
  );
  // The mutations must really produce both outcomes, or the property proves little.
  expect(stats.ok).toBeGreaterThan(0);
  expect(stats.codes.INVALID_IDX ?? 0).toBeGreaterThan(0);
});

it('mutated gzip files: decodeIdx (zlib and DecompressionStream) returns an array or a typed error', async () => {
  const stats = newStats();
  const details = await fc.check(
    fc.asyncProperty(
      validIdx,
      fc.integer({ min: 1, max: 9 }),
      fc.array(
        mutation.filter(
          (m) => m.op === 'flip' || m.op === 'set' || m.op === 'truncate' || m.op === 'append',
        ),
        { maxLength: 3 },
      ),
      fc.boolean(),
      async (valid, level, mutations, useZlib) => {
        const input = mutate(gzipBytes(valid, level), mutations);
        // An explicit cap: mutated deflate data can describe long runs.
        const maxOutputBytes = Math.max(4096, 64 * input.length);
        await measureAsync(
          stats,
          input,
          async () => {
            const result = await decodeIdx(input, {
              gunzip: useZlib ? nodeGunzip : gunzip,
              maxOutputBytes,
            });
            checkResult(result, 4 + 4 * result.shape.length + result.data.byteLength);
            if (result.data.byteLength > maxOutputBytes) throw new Error('output past the cap');
          },
          3 * maxOutputBytes + SLACK,
        );
      },
    ),
    { numRuns: runs(10_000), seed: baseSeed + 3, timeout: 5000 },
  );
  report(
    'mutated gzip files (decodeIdx)',
    'array, INVALID_GZIP or INVALID_IDX, < 2 s, memory < 3x the output cap',
    details,
    stats,
  );
  expect(stats.codes.INVALID_GZIP ?? 0).toBeGreaterThan(0);
});

/** Dims whose product is at least 10^9 items, with a body of at most 64 bytes. */
const billionHeader = fc
  .tuple(
    fc.constantFrom(...TYPES),
    fc.array(fc.integer({ min: 1_000, max: 0xffffffff }), { minLength: 1, maxLength: 4 }),
    fc.uint8Array({ maxLength: 64 }),
  )
  .filter(([, dims]) => product(dims) >= 1e9)
  .map(([type, dims, body]) => {
    const header = idxHeader({ typeCode: FIXTURE_IDX_TYPES[type].code, dims });
    const out = new Uint8Array(header.length + body.length);
    out.set(header);
    out.set(body, header.length);
    return out;
  });

it('headers promising billions of items are rejected before allocating', async () => {
  const stats = newStats();
  const details = await fc.check(
    fc.asyncProperty(billionHeader, fc.boolean(), async (input, gzipped) => {
      // Same input raw and gzipped: the gzip path must not allocate for the promise either.
      const bytes = gzipped ? gzipBytes(input) : input;
      let code = '';
      await measureAsync(
        stats,
        bytes,
        async () => {
          try {
            await decodeIdx(bytes, { gunzip: nodeGunzip });
          } catch (error) {
            code = isFmnistError(error) ? error.code : '';
            throw error;
          }
        },
        SLACK,
      );
      if (code !== 'INVALID_IDX') throw new Error(`expected INVALID_IDX, got ${code || 'success'}`);
    }),
    { numRuns: runs(10_000), seed: baseSeed + 4, timeout: 5000 },
  );
  report(
    'headers promising >= 10^9 items (raw and gzipped)',
    'INVALID_IDX with < 64 kB allocated',
    details,
    stats,
  );
});
