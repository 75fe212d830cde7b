// Hostile IDX inputs for fast-check: valid files from an independent encoder, the mutations applied to them, random bytes and headers promising billions of items.
import type { IdxType } from '@fmnist/core';
import { FIXTURE_IDX_TYPES, fixtureValues, idxHeader, makeIdx } from '@fmnist/test-utils';
import fc from 'fast-check';
import { product } from './idxFuzz.ts';

const TYPES = Object.keys(FIXTURE_IDX_TYPES) as IdxType[];

/** A valid IDX file of a random type and a small random shape (independent encoder). */
export const validIdx = fc
  .record({
    type: fc.constantFrom(...TYPES),
    shape: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 4 }),
    seed: fc.nat(),
  })
  .map(({ type, shape, seed }) => makeIdx(type, shape, fixtureValues(type, product(shape), seed)));

/** One change to a file's bytes. */
export type Mutation =
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

/** Any one {@link Mutation}. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
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

/** `input` with `mutations` applied in order (a copy). */
export function mutate(input: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
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
export const randomInput = fc.oneof(
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

/** Dims whose product is at least 10^9 items, with a body of at most 64 bytes. */
export const billionHeader = fc
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
