// Split strings with TensorFlow Datasets semantics ('train[:80%]', 'test[:1000]', 'train+test'): parse, resolve to index ranges, apply.
import type { Split } from './datasets.ts';
import { FmnistError } from './errors.ts';
import { concatSplits, type DatasetSplit, subset } from './splits.ts';

/**
 * The grammar, as shown in every parse error. Kept next to the parser so the two cannot drift.
 */
export const SPLIT_SPEC_GRAMMAR =
  'SPEC = PART ("+" PART)*; PART = SPLIT | SPLIT "[" [FROM] ":" [TO] "]" with FROM or TO given; ' +
  'SPLIT = train | test | all (all takes no slice); FROM and TO are both sample counts ' +
  '(integers, negative counts from the end) or both percentages from -100% to 100% (decimals allowed); ' +
  'e.g. "train[:80%]", "train[80%:]", "test[:1000]", "train[-10%:]", "train[10:20]", ' +
  '"train[:50%]+test[:10]", "train+test"';

/** One `+`-separated part of a split string, before the split sizes are known. */
export interface SplitSlice {
  /** Which split the part reads. */
  split: Split;
  /** Start boundary (samples or percent, see `unit`); negative counts from the end; absent = 0. */
  from?: number;
  /** End boundary, exclusive (samples or percent, see `unit`); absent = the end of the split. */
  to?: number;
  /** `'abs'`: `from`/`to` are sample counts; `'%'`: percentages of the split's size. */
  unit: 'abs' | '%';
}

/** A parsed split string: its parts in the order they are concatenated. */
export interface SplitSpec {
  /** The string as it was given, for error messages. */
  source: string;
  /** The parts, in order; `all` is expanded to `train` then `test`. */
  slices: readonly SplitSlice[];
}

/** One part of a split string resolved against the split sizes: samples `start <= i < end`. */
export interface SplitRange {
  /** Which split the samples come from. */
  split: Split;
  /** First sample, from 0 to the split's size. */
  start: number;
  /** One past the last sample; `start <= end <=` the split's size. */
  end: number;
}

const PART_RE = /^([A-Za-z0-9_-]+)(?:\[([^\]]*)\])?$/;
const ABS_RE = /^-?\d+$/;
const PCT_RE = /^-?(?:\d+(?:\.\d*)?|\.\d+)%$/;
const SPLITS: readonly Split[] = ['train', 'test'];

/**
 * Parses a split string the way `tfds.load(..., split=...)` reads it. Parts are joined with `+`
 * (spaces around `+` are ignored) and concatenated in order; each part is a split name, alone or
 * with a Python-style slice `[from:to]` in sample counts or in percent. `all` means `train+test`.
 *
 * Stricter than tfds in two places, both to turn a likely typo into an error instead of a
 * surprise: a slice must use one unit on both sides (tfds reads `train[10:50%]` as `10%:50%`), and
 * the single-index form `train[5]` is rejected (tfds allows it only for shards, which fmnist has
 * not). Split names are case-sensitive, as in tfds.
 *
 * @throws FmnistError `INVALID_ARGUMENT` quoting the string and showing {@link SPLIT_SPEC_GRAMMAR}.
 */
export function parseSplitSpec(spec: string): SplitSpec {
  if (typeof spec !== 'string') {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `A split must be a string such as "train[:80%]", got ${spec === null ? 'null' : typeof spec}. Grammar: ${SPLIT_SPEC_GRAMMAR}.`,
      { details: { spec } },
    );
  }
  const slices: SplitSlice[] = [];
  for (const part of spec.trim().split(/\s*\+\s*/)) {
    const match = PART_RE.exec(part);
    if (!match)
      bad(spec, part === '' ? 'a part is empty' : `"${part}" is not SPLIT or SPLIT[FROM:TO]`);
    const [, name, selector] = match;
    if (name === 'all') {
      if (selector !== undefined) bad(spec, '"all" cannot be sliced; slice train and test instead');
      for (const split of SPLITS) slices.push({ split, unit: 'abs' });
      continue;
    }
    if (!(SPLITS as readonly string[]).includes(name)) {
      bad(spec, `unknown split "${name}" (known: train, test, all)`);
    }
    const split = name as Split;
    if (selector === undefined) {
      slices.push({ split, unit: 'abs' });
      continue;
    }
    const bounds = selector.split(':');
    if (bounds.length !== 2) {
      bad(spec, `"[${selector}]" needs exactly one ":" (a single index is not a slice)`);
    }
    const [from, to] = bounds.map((b) => b.trim());
    if (from === '' && to === '') bad(spec, `"[${selector}]" gives neither FROM nor TO`);
    const units = [from, to].filter((b) => b !== '').map((b) => boundUnit(spec, b));
    if (units.length === 2 && units[0] !== units[1]) {
      bad(spec, `"[${selector}]" mixes a sample count and a percentage`);
    }
    const unit = units[0];
    const slice: SplitSlice = { split, unit };
    if (from !== '') slice.from = boundValue(spec, from, unit);
    if (to !== '') slice.to = boundValue(spec, to, unit);
    slices.push(slice);
  }
  return { source: spec, slices };
}

/**
 * The splits a spec reads, each once, in first-use order: what a loader has to fetch.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a bad string (see {@link parseSplitSpec}).
 */
export function splitsOfSpec(spec: string | SplitSpec): Split[] {
  const parsed = typeof spec === 'string' ? parseSplitSpec(spec) : spec;
  return [...new Set(parsed.slices.map((s) => s.split))];
}

/**
 * Turns each part of a split string into absolute sample ranges, as tfds's `ReadInstruction`
 * does with its default `rounding='closest'`:
 *
 * - a percentage `p` of a split of `n` samples is the index `int(round(p * n / 100.0))`, computed
 *   in double precision and rounded by Python's `round`, which rounds halves to even (so 50% of
 *   5 is 2, 50% of 7 is 4, 10% of 25 is 2 and 10% of 35 is 4: not `Math.round`);
 * - a negative boundary, after that conversion, counts from the end (`n + b`);
 * - a boundary beyond the split (`|b| > n`) is an error, not clamped as a Python slice would be.
 *
 * Since `[:k%]` and `[k%:]` share one boundary, the two halves of a split always cover it exactly
 * once. A reversed range (start after end) is an error here, where tfds would read nothing.
 *
 * @param counts Number of samples in each split, e.g. a descriptor's `counts`.
 * @throws FmnistError `INVALID_ARGUMENT` for a bad string, a boundary outside the split, or a
 *   reversed range.
 */
export function resolveSplitSpec(
  spec: string | SplitSpec,
  counts: { readonly train: number; readonly test: number },
): SplitRange[] {
  const parsed = typeof spec === 'string' ? parseSplitSpec(spec) : spec;
  return parsed.slices.map((slice) => {
    const n = counts[slice.split];
    if (!Number.isInteger(n) || n < 0) {
      throw new FmnistError(
        'INVALID_ARGUMENT',
        `resolveSplitSpec: the ${slice.split} count must be a non-negative integer, got ${String(n)}.`,
        { details: { counts } },
      );
    }
    const toIndex = (b: number) => (slice.unit === '%' ? tfdsPercentToIndex(b, n) : b);
    const from = slice.from === undefined ? 0 : toIndex(slice.from);
    const to = slice.to === undefined ? n : toIndex(slice.to);
    for (const b of [from, to]) {
      if (Math.abs(b) > n) {
        outOfRange(
          parsed.source,
          `${describe(slice)} asks for boundary ${b}, but ${slice.split} has ${n} samples`,
        );
      }
    }
    const start = from < 0 ? n + from : from;
    const end = to < 0 ? n + to : to;
    if (start > end) {
      outOfRange(
        parsed.source,
        `${describe(slice)} starts at ${start} after it ends at ${end} (${slice.split} has ${n} samples)`,
      );
    }
    return { split: slice.split, start, end };
  });
}

/**
 * The samples that `ranges` select, from splits already in memory, concatenated in order. A
 * single range is a zero-copy view (see `subset`); several are copied into one split whose
 * `split` field is the first range's.
 *
 * @param splits The loaded splits, by name; each range's split must be there.
 * @throws FmnistError `INVALID_ARGUMENT` for a missing split, a range outside it, or no ranges.
 */
export function applySplitRanges(
  ranges: readonly SplitRange[],
  splits: Partial<Readonly<Record<Split, DatasetSplit>>>,
): DatasetSplit {
  if (ranges.length === 0) {
    throw new FmnistError('INVALID_ARGUMENT', 'applySplitRanges: no ranges to apply.');
  }
  const parts = ranges.map(({ split, start, end }) => {
    const source = splits[split];
    if (source === undefined) {
      throw new FmnistError(
        'INVALID_ARGUMENT',
        `applySplitRanges: the ${split} split is needed but was not given.`,
        { details: { split } },
      );
    }
    return subset(source, { start, count: end - start });
  });
  return parts.length === 1 ? parts[0] : concatSplits(parts);
}

/**
 * {@link resolveSplitSpec} against the sizes of the given splits, then {@link applySplitRanges}:
 * `applySplitSpec('train[:80%]', { train })`.
 *
 * @throws FmnistError `INVALID_ARGUMENT` for a bad string, a needed split missing, or a boundary
 *   outside a split.
 */
export function applySplitSpec(
  spec: string | SplitSpec,
  splits: Partial<Readonly<Record<Split, DatasetSplit>>>,
): DatasetSplit {
  const parsed = typeof spec === 'string' ? parseSplitSpec(spec) : spec;
  for (const split of splitsOfSpec(parsed)) {
    if (splits[split] === undefined) {
      throw new FmnistError(
        'INVALID_ARGUMENT',
        `applySplitSpec: "${parsed.source}" reads the ${split} split, which was not given.`,
        { details: { spec: parsed.source, split } },
      );
    }
  }
  const counts = { train: splits.train?.count ?? 0, test: splits.test?.count ?? 0 };
  return applySplitRanges(resolveSplitSpec(parsed, counts), splits);
}

/** tfds `_pct_to_abs_closest`: `int(round(boundary * n / 100.0))` with Python's half-to-even. */
function tfdsPercentToIndex(percent: number, n: number): number {
  // `+ 0` turns the -0 of a negative percentage that rounds to zero into 0.
  return roundHalfEven((percent * n) / 100) + 0;
}

/** Python 3's `round(x)` for a finite double: nearest integer, exact halves to the even one. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  // Exact: x and floor(x) are within 1 of each other, so the difference is representable.
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function boundUnit(spec: string, bound: string): 'abs' | '%' {
  if (ABS_RE.test(bound)) return 'abs';
  if (PCT_RE.test(bound)) return '%';
  bad(spec, `"${bound}" is neither an integer nor a percentage`);
}

function boundValue(spec: string, bound: string, unit: 'abs' | '%'): number {
  const value = Number(unit === '%' ? bound.slice(0, -1) : bound);
  if (unit === '%' && Math.abs(value) > 100) bad(spec, `${bound} is outside -100%..100%`);
  if (unit === 'abs' && !Number.isSafeInteger(value)) bad(spec, `${bound} is too large`);
  return Object.is(value, -0) ? 0 : value;
}

function describe(slice: SplitSlice): string {
  const u = slice.unit === '%' ? '%' : '';
  const b = (v: number | undefined) => (v === undefined ? '' : `${v}${u}`);
  return `${slice.split}[${b(slice.from)}:${b(slice.to)}]`;
}

function bad(spec: string, problem: string): never {
  throw new FmnistError(
    'INVALID_ARGUMENT',
    `Invalid split "${spec}": ${problem}. Grammar: ${SPLIT_SPEC_GRAMMAR}.`,
    { details: { spec } },
  );
}

function outOfRange(spec: string, problem: string): never {
  throw new FmnistError('INVALID_ARGUMENT', `Invalid split "${spec}": ${problem}.`, {
    details: { spec },
  });
}
