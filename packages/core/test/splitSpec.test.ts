// Split strings: the grammar, tfds's percent rounding checked against an independent oracle, and applying ranges to loaded splits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFmnistError } from '../src/errors.ts';
import {
  applySplitRanges,
  applySplitSpec,
  parseSplitSpec,
  resolveSplitSpec,
  SPLIT_SPEC_GRAMMAR,
  splitsOfSpec,
} from '../src/splitSpec.ts';
import type { DatasetSplit } from '../src/splits.ts';
import { errorOf } from './helpers.ts';

/**
 * Python 3's `round(x)` for a double, by exact integer arithmetic on its IEEE-754 bits (no
 * floating-point step), so it checks the implementation's Math.floor-based rounding independently.
 */
function pyRound(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
  const shift = (exponent === 0 ? 1 : exponent) - 1075; // |x| = mantissa * 2^shift
  let q: bigint;
  if (shift >= 0) {
    q = mantissa << BigInt(shift);
  } else {
    const s = BigInt(-shift);
    const floor = mantissa >> s;
    const rest = mantissa - (floor << s);
    const half = 1n << (s - 1n);
    q = rest > half || (rest === half && (floor & 1n) === 1n) ? floor + 1n : floor;
  }
  return Number(negative ? -q : q);
}

/** Exact half-to-even rounding of the rational `p * n / 100` (integers only). */
function exactPercent(p: number, n: number): number {
  const num = BigInt(p) * BigInt(n);
  let floor = num / 100n;
  if (num % 100n !== 0n && num < 0n) floor -= 1n; // BigInt division truncates toward zero
  const twice = 2n * (num - floor * 100n);
  const up = twice > 100n || (twice === 100n && floor % 2n !== 0n);
  return Number(up ? floor + 1n : floor);
}

/**
 * tfds `_rel_to_abs_instr` with `_pct_to_abs_closest`, rewritten from its Python: percent
 * boundaries become `int(round(b * n / 100.))`, `|b| > n` is an error, negatives count from the end.
 */
function tfdsOracle(
  from: number | undefined,
  to: number | undefined,
  unit: 'abs' | '%',
  n: number,
): [number, number] | 'error' {
  const pct = (b: number) => pyRound((b * n) / 100.0);
  let f = from === undefined ? 0 : unit === '%' ? pct(from) : from;
  let t = to === undefined ? n : unit === '%' ? pct(to) : to;
  if (Math.abs(f) > n || Math.abs(t) > n) return 'error';
  if (f < 0) f = n + f;
  if (t < 0) t = n + t;
  return [f, t];
}

const counts = { train: 60000, test: 10000 };

describe('parseSplitSpec and resolveSplitSpec', () => {
  it.each([
    ['train', [['train', 0, 60000]]],
    ['test', [['test', 0, 10000]]],
    ['train[:80%]', [['train', 0, 48000]]],
    ['train[80%:]', [['train', 48000, 60000]]],
    ['test[:1000]', [['test', 0, 1000]]],
    ['train[-10%:]', [['train', 54000, 60000]]],
    ['train[:-10%]', [['train', 0, 54000]]],
    ['train[10:20]', [['train', 10, 20]]],
    ['train[-20:-10]', [['train', 59980, 59990]]],
    ['test[9000:]', [['test', 9000, 10000]]],
    [
      'train[:50%]+test[:10]',
      [
        ['train', 0, 30000],
        ['test', 0, 10],
      ],
    ],
    [
      'train+test',
      [
        ['train', 0, 60000],
        ['test', 0, 10000],
      ],
    ],
    [
      ' train + test[:1%] ',
      [
        ['train', 0, 60000],
        ['test', 0, 100],
      ],
    ],
    [
      'all',
      [
        ['train', 0, 60000],
        ['test', 0, 10000],
      ],
    ],
    ['train[:0.5%]', [['train', 0, 300]]],
    ['train[:100%]', [['train', 0, 60000]]],
    ['train[-100%:]', [['train', 0, 60000]]],
    ['train[:0]', [['train', 0, 0]]],
    ['test[33%:66%]', [['test', 3300, 6600]]],
  ])('%s', (spec, expected) => {
    const ranges = resolveSplitSpec(spec, counts);
    expect(ranges.map((r) => [r.split, r.start, r.end])).toEqual(expected);
    expect(resolveSplitSpec(parseSplitSpec(spec), counts)).toEqual(ranges);
  });

  it('rounds percentages like Python round(): halves to the even index', () => {
    const end = (spec: string, train: number) => resolveSplitSpec(spec, { train, test: 0 })[0].end;
    expect(end('train[:50%]', 5)).toBe(2); // 2.5 -> 2, where Math.round gives 3
    expect(end('train[:50%]', 7)).toBe(4); // 3.5 -> 4
    expect(end('train[:10%]', 25)).toBe(2); // 2.5 -> 2
    expect(end('train[:10%]', 35)).toBe(4); // 3.5 -> 4
    expect(end('train[:12.5%]', 4)).toBe(0); // 0.5 -> 0
    expect(end('train[:12.5%]', 12)).toBe(2); // 1.5 -> 2
    expect(end('train[:33%]', 101)).toBe(33); // 33.33 -> 33
    expect(end('train[:-50%]', 5)).toBe(3); // round(-2.5) = -2 -> 5 - 2
    expect(resolveSplitSpec('train[-50%:]', { train: 5, test: 0 })[0].start).toBe(3);
    // -1% of 10 rounds to (negative) zero, which tfds treats as 0, not as "from the end": the
    // whole split for [-1%:], nothing for [:-1%]. The zero must be +0.
    expect(Object.is(resolveSplitSpec('train[-1%:]', { train: 10, test: 0 })[0].start, 0)).toBe(
      true,
    );
    expect(Object.is(resolveSplitSpec('train[:-1%]', { train: 10, test: 0 })[0].end, 0)).toBe(true);
  });

  it('keeps the parsed parts and their units', () => {
    expect(parseSplitSpec('train[:80%]+test[5:]')).toEqual({
      source: 'train[:80%]+test[5:]',
      slices: [
        { split: 'train', unit: '%', to: 80 },
        { split: 'test', unit: 'abs', from: 5 },
      ],
    });
    expect(splitsOfSpec('test[:1]+train+test[5:]')).toEqual(['test', 'train']);
    expect(splitsOfSpec('all')).toEqual(['train', 'test']);
  });

  it('rejects bad strings with a message that quotes them and shows the grammar', () => {
    const cases: [string, RegExp][] = [
      ['', /a part is empty/],
      ['train+', /a part is empty/],
      ['validation', /unknown split "validation" \(known: train, test, all\)/],
      ['Train', /unknown split "Train"/],
      ['train[:80]%', /"train\[:80\]%" is not SPLIT or SPLIT\[FROM:TO\]/],
      ['train[5]', /needs exactly one ":"/],
      ['train[1:2:3]', /needs exactly one ":"/],
      ['train[:]', /gives neither FROM nor TO/],
      ['train[10:50%]', /mixes a sample count and a percentage/],
      ['train[:101%]', /101% is outside -100%..100%/],
      ['train[:x]', /"x" is neither an integer nor a percentage/],
      ['train[:1.5]', /"1.5" is neither/],
      ['all[:10%]', /"all" cannot be sliced/],
      ['train[:99999999999999999999]', /too large/],
    ];
    for (const [spec, problem] of cases) {
      const message = errorOf(() => parseSplitSpec(spec));
      expect(message).toMatch(problem);
      expect(message.startsWith(`Invalid split "${spec}": `)).toBe(true);
      expect(message).toContain(`Grammar: ${SPLIT_SPEC_GRAMMAR}.`);
    }
    expect(errorOf(() => parseSplitSpec(42 as unknown as string))).toMatch(
      /must be a string such as "train\[:80%\]", got number/,
    );
  });

  it('rejects boundaries outside the split and reversed ranges, like tfds', () => {
    expect(errorOf(() => resolveSplitSpec('test[:10001]', counts))).toBe(
      'Invalid split "test[:10001]": test[:10001] asks for boundary 10001, but test has 10000 samples.',
    );
    expect(errorOf(() => resolveSplitSpec('train[-60001:]', counts))).toMatch(/boundary -60001/);
    expect(errorOf(() => resolveSplitSpec('train[80%:20%]', counts))).toBe(
      'Invalid split "train[80%:20%]": train[80%:20%] starts at 48000 after it ends at 12000 (train has 60000 samples).',
    );
    expect(errorOf(() => resolveSplitSpec('train', { train: -1, test: 0 }))).toMatch(
      /train count must be a non-negative integer, got -1/,
    );
  });
});

describe('tfds boundary properties', () => {
  const n = fc.integer({ min: 0, max: 10_000_000 });
  const intPercent = fc.integer({ min: -100, max: 100 });
  // hundredths of a percent, written the way a user would ("12.34%")
  const decimalPercent = fc.integer({ min: -10_000, max: 10_000 }).map((k) => k / 100);

  it('integer percentages match tfds and exact rational rounding', () => {
    fc.assert(
      fc.property(intPercent, n, (p, count) => {
        const [range] = resolveSplitSpec(`train[:${p}%]`, { train: count, test: 0 });
        const oracle = tfdsOracle(undefined, p, '%', count);
        expect([range.start, range.end]).toEqual(oracle);
        const exact = exactPercent(p, count);
        expect(range.end).toBe(exact < 0 ? count + exact : exact);
      }),
      { numRuns: 2000 },
    );
  });

  it('any slice resolves to the tfds boundaries, within [0, n] and ordered, or throws', () => {
    const bound = fc.option(fc.integer({ min: -12_000, max: 12_000 }), { nil: undefined });
    const pctBound = fc.option(fc.oneof(intPercent, decimalPercent), { nil: undefined });
    const part = fc.oneof(
      fc.record({ unit: fc.constant('abs' as const), from: bound, to: bound }),
      fc.record({ unit: fc.constant('%' as const), from: pctBound, to: pctBound }),
    );
    const split = fc.constantFrom('train' as const, 'test' as const);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(split, part), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 12_000 }),
        fc.integer({ min: 0, max: 12_000 }),
        (parts, train, test) => {
          const u = (p: { unit: 'abs' | '%' }) => (p.unit === '%' ? '%' : '');
          const text = (v: number | undefined, p: { unit: 'abs' | '%' }) =>
            v === undefined ? '' : `${v}${u(p)}`;
          const spec = parts
            .map(([s, p]) =>
              p.from === undefined && p.to === undefined
                ? s
                : `${s}[${text(p.from, p)}:${text(p.to, p)}]`,
            )
            .join('+');
          const sizes = { train, test };
          const expected = parts.map(([s, p]) => tfdsOracle(p.from, p.to, p.unit, sizes[s]));
          const valid = expected.every((e) => e !== 'error' && e[0] <= e[1]);
          if (!valid) {
            errorOf(() => resolveSplitSpec(spec, sizes));
            return;
          }
          const ranges = resolveSplitSpec(spec, sizes);
          expect(ranges.map((r) => [r.start, r.end])).toEqual(expected);
          ranges.forEach((r, i) => {
            expect(r.split).toBe(parts[i][0]);
            expect(r.start).toBeGreaterThanOrEqual(0);
            expect(r.start).toBeLessThanOrEqual(r.end);
            expect(r.end).toBeLessThanOrEqual(sizes[r.split]);
          });
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('"[:k%]" and "[k%:]" meet at one boundary and cover exactly n', () => {
    fc.assert(
      fc.property(fc.oneof(intPercent, decimalPercent), n, (k, count) => {
        const [head, tail] = resolveSplitSpec(`train[:${k}%]+train[${k}%:]`, {
          train: count,
          test: 0,
        });
        expect(head.start).toBe(0);
        expect(head.end).toBe(tail.start);
        expect(tail.end).toBe(count);
        expect(head.end - head.start + (tail.end - tail.start)).toBe(count);
      }),
      { numRuns: 2000 },
    );
  });

  it('random strings only ever parse or throw INVALID_ARGUMENT quoting them', () => {
    const chars = fc.constantFrom(...'traintestall[]:%+-.0123456789 x'.split(''));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 24 }), (list) => {
        const spec = list.join('');
        try {
          parseSplitSpec(spec);
        } catch (e) {
          expect(isFmnistError(e, 'INVALID_ARGUMENT')).toBe(true);
          expect((e as Error).message).toContain(`"${spec}"`);
          expect((e as Error).message).toContain('Grammar:');
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('applySplitSpec and applySplitRanges', () => {
  /** Toy 1x1-pixel splits whose pixel is the sample's global number (train 0.., test 100..). */
  function toy(split: 'train' | 'test', count: number): DatasetSplit {
    const base = split === 'train' ? 0 : 100;
    return {
      dataset: 'toy',
      split,
      images: Uint8Array.from({ length: count }, (_, i) => base + i),
      labels: Uint8Array.from({ length: count }, (_, i) => i % 2),
      count,
      imageShape: [1, 1],
      classNames: ['a', 'b'],
    };
  }
  const train = toy('train', 10);
  const test = toy('test', 5);

  it('selects and concatenates in order', () => {
    const s = applySplitSpec('train[:30%]+test[-2:]', { train, test });
    expect([...s.images]).toEqual([0, 1, 2, 103, 104]);
    expect([...s.labels]).toEqual([0, 1, 0, 1, 0]);
    expect(s.count).toBe(5);
    expect(s.split).toBe('train');
    expect(s.classNames).toEqual(['a', 'b']);
    const all = applySplitSpec('all', { train, test });
    expect(all.count).toBe(15);
    expect([...all.images.subarray(9, 11)]).toEqual([9, 100]);
  });

  it('returns a zero-copy view for one range', () => {
    const s = applySplitSpec('train[-10%:]', { train });
    expect([...s.images]).toEqual([9]);
    expect(s.images.buffer).toBe(train.images.buffer);
    expect(applySplitSpec('test', { test })).toEqual(test);
  });

  it('applies resolved ranges', () => {
    const ranges = resolveSplitSpec('test[1:3]+train[:1]', { train: 10, test: 5 });
    expect([...applySplitRanges(ranges, { train, test }).images]).toEqual([101, 102, 0]);
  });

  it('names a missing split or a range past a split', () => {
    expect(errorOf(() => applySplitSpec('train+test', { train }))).toBe(
      'applySplitSpec: "train+test" reads the test split, which was not given.',
    );
    expect(errorOf(() => applySplitRanges([{ split: 'test', start: 0, end: 1 }], { train }))).toBe(
      'applySplitRanges: the test split is needed but was not given.',
    );
    expect(errorOf(() => applySplitRanges([], { train }))).toBe(
      'applySplitRanges: no ranges to apply.',
    );
    expect(
      errorOf(() => applySplitRanges([{ split: 'train', start: 5, end: 11 }], { train })),
    ).toMatch(/goes past the end of 10 samples/);
    expect(errorOf(() => applySplitSpec('train[:11]', { train }))).toMatch(
      /asks for boundary 11, but train has 10 samples/,
    );
  });
});
