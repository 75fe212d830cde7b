// Tests of the IDX codec: the type table, round trips and every malformed header.
import {
  FIXTURE_IDX_TYPES,
  fixtureValues,
  gzipBytes,
  idxHeader,
  makeIdx,
  makeImages,
  makeImagesIdx,
  makeLabelsIdx,
} from '@fmnist/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../src/bytes.ts';
import { FmnistError, isFmnistError } from '../src/errors.ts';
import { parseIdx, serializeIdx } from '../src/idx.ts';
import {
  IDX_TYPES,
  type IdxArray,
  type IdxType,
  idxTypeCode,
  idxTypeFromCode,
} from '../src/idxTypes.ts';

const TYPES: IdxType[] = ['uint8', 'int8', 'int16', 'int32', 'float32', 'float64'];
const SHAPES: number[][] = [[7], [3, 5], [2, 3, 4], [2, 1, 3, 2]];
/** The typed array an element type is named after: 'uint8' -> Uint8Array. */
const classOf = (type: IdxType) =>
  (globalThis as unknown as Record<string, new () => unknown>)[
    `${type[0].toUpperCase()}${type.slice(1)}Array`
  ];

const bitsOf = (data: ArrayBufferView) =>
  new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
const concat = (...parts: Uint8Array[]) => concatBytes(parts);

/** Runs `fn` and returns the FmnistError it throws, failing the test if it throws anything else. */
function catchFmnist(fn: () => unknown): FmnistError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FmnistError);
    return error as FmnistError;
  }
  throw new Error('expected an FmnistError, nothing was thrown');
}

function expectInvalidIdx(bytes: Uint8Array, message: RegExp, reason: string, options = {}) {
  const error = catchFmnist(() => parseIdx(bytes, options));
  expect(error.code).toBe('INVALID_IDX');
  expect(error.message).toMatch(message);
  expect(error.details.reason).toBe(reason);
  return error;
}

describe('IDX type table', () => {
  it('maps every type to its header code and back', () => {
    for (const type of TYPES) {
      expect(idxTypeCode(type)).toBe(FIXTURE_IDX_TYPES[type].code);
      expect(IDX_TYPES[type].bytesPerElement).toBe(FIXTURE_IDX_TYPES[type].size);
      expect(idxTypeFromCode(FIXTURE_IDX_TYPES[type].code)).toBe(type);
    }
    expect(idxTypeFromCode(0x0a)).toBeUndefined();
    expect(
      isFmnistError(
        catchFmnist(() => idxTypeCode('uint16' as IdxType)),
        'INVALID_ARGUMENT',
      ),
    ).toBe(true);
  });
});

describe('parseIdx / serializeIdx round trips', () => {
  for (const type of TYPES) {
    for (const shape of SHAPES) {
      it(`${type} rank ${shape.length} [${shape.join(',')}]`, () => {
        const count = shape.reduce((a, b) => a * b, 1);
        const values = fixtureValues(type, count, shape.length * 31 + 7);
        const bytes = makeIdx(type, shape, values);
        const parsed = parseIdx(bytes);
        expect(parsed.type).toBe(type);
        expect(parsed.shape).toEqual(shape);
        expect(parsed.data).toBeInstanceOf(classOf(type));
        expect(parsed.data.length).toBe(count);
        // Bit-exact, so -0, NaN and infinities are checked too.
        expect(bitsOf(parsed.data)).toEqual(bitsOf(values));
        expect(serializeIdx(parsed)).toEqual(bytes);
      });
    }
  }

  it('keeps negative integers, infinities and -0', () => {
    const int16 = parseIdx(makeIdx('int16', [3], [-1, -32768, 258])).data;
    expect(Array.from(int16)).toEqual([-1, -32768, 258]);
    const int32 = parseIdx(makeIdx('int32', [2], [-123456789, -(2 ** 31)])).data;
    expect(Array.from(int32)).toEqual([-123456789, -(2 ** 31)]);
    const int8 = parseIdx(makeIdx('int8', [2], [-128, -5])).data;
    expect(Array.from(int8)).toEqual([-128, -5]);
    const f32 = parseIdx(makeIdx('float32', [4], [Infinity, -Infinity, -0, 1.5])).data;
    expect(Array.from(f32)).toEqual([Infinity, -Infinity, -0, 1.5]);
    expect(Object.is(f32[2], -0)).toBe(true);
  });

  it('keeps NaN payloads bit-exact (signalling and quiet, both signs)', () => {
    const f32 = new Float32Array(new Uint32Array([0x7f800001, 0xffc12345, 0x7fc00000]).buffer);
    const f64 = new Float64Array(
      new BigUint64Array([0x7ff0000000000001n, 0xfff8dead0000beefn, 0x7ff8000000000000n]).buffer,
    );
    for (const [type, values] of [
      ['float32', f32],
      ['float64', f64],
    ] as const) {
      const bytes = makeIdx(type, [3], values);
      const parsed = parseIdx(bytes);
      expect(bitsOf(parsed.data)).toEqual(bitsOf(values));
      expect(serializeIdx(parsed)).toEqual(bytes);
    }
  });

  it('decodes multi-byte types from an unaligned input view', () => {
    for (const type of ['int16', 'int32', 'float32', 'float64'] as const) {
      const values = fixtureValues(type, 12, 5);
      const file = makeIdx(type, [3, 4], values);
      const backing = new Uint8Array(file.length + 3);
      backing.set(file, 3);
      const parsed = parseIdx(backing.subarray(3));
      expect(bitsOf(parsed.data)).toEqual(bitsOf(values));
    }
  });

  it('reads [N, 28, 28] image files and label files', () => {
    const images = parseIdx(makeImagesIdx(3, 28, 28, 9));
    expect(images.shape).toEqual([3, 28, 28]);
    expect(images.data).toEqual(makeImages(3, 28, 28, 9));
    const labels = parseIdx(makeLabelsIdx([9, 0, 3]));
    expect(labels).toEqual({ type: 'uint8', shape: [3], data: new Uint8Array([9, 0, 3]) });
  });

  it('accepts zero-sized dims with an empty body', () => {
    const parsed = parseIdx(idxHeader({ typeCode: 0x0c, dims: [0, 28, 28] }));
    expect(parsed.shape).toEqual([0, 28, 28]);
    expect(parsed.data).toBeInstanceOf(Int32Array);
    expect(parsed.data.length).toBe(0);
    // A zero dim wins over huge ones: the product is 0, not an overflow.
    const huge = parseIdx(idxHeader({ typeCode: 0x0e, dims: [0xffffffff, 0xffffffff, 0] }));
    expect(huge.data.length).toBe(0);
    expect(serializeIdx(huge)).toEqual(
      idxHeader({ typeCode: 0x0e, dims: [0xffffffff, 0xffffffff, 0] }),
    );
  });

  it('honours maxRank', () => {
    const dims = new Array(17).fill(1);
    const bytes = concat(idxHeader({ typeCode: 0x08, dims }), new Uint8Array([42]));
    expectInvalidIdx(bytes, /rank 17 is larger than maxRank 16/, 'rank');
    expect(parseIdx(bytes, { maxRank: 20 }).shape).toEqual(dims);
    expectInvalidIdx(makeIdx('uint8', [2, 2, 2]), /rank 3 is larger than maxRank 2/, 'rank', {
      maxRank: 2,
    });
  });
});

describe('zero-copy views and copies', () => {
  it('returns uint8 and int8 data as views on the input buffer', () => {
    const file = makeIdx('uint8', [4, 5]);
    const backing = new Uint8Array(file.length + 8);
    backing.set(file, 8);
    const input = backing.subarray(8);
    const parsed = parseIdx(input);
    expect(parsed.data.buffer).toBe(input.buffer);
    expect(parsed.data.byteOffset).toBe(8 + 12);
    const int8 = parseIdx(makeIdx('int8', [6]));
    expect(int8.data).toBeInstanceOf(Int8Array);
    const int8Input = makeIdx('int8', [6]);
    expect(parseIdx(int8Input).data.buffer).toBe(int8Input.buffer);
  });

  it('copies when asked to, and for byte-swapped types', () => {
    const input = makeIdx('uint8', [10]);
    const copied = parseIdx(input, { copy: true });
    expect(copied.data.buffer).not.toBe(input.buffer);
    expect(copied.data.buffer.byteLength).toBe(10);
    expect(copied.data).toEqual(parseIdx(input).data);
    const int8 = makeIdx('int8', [3]);
    expect(parseIdx(int8, { copy: true }).data.buffer).not.toBe(int8.buffer);
    const int32 = makeIdx('int32', [3]);
    expect(parseIdx(int32).data.buffer).not.toBe(int32.buffer);
  });

  it('accepts a pooled Node Buffer', () => {
    const file = makeIdx('int16', [2, 3]);
    const parsed = parseIdx(Buffer.from(file));
    expect(serializeIdx(parsed)).toEqual(file);
  });
});

describe('parseIdx rejections', () => {
  it('rejects input too short for a header', () => {
    expectInvalidIdx(new Uint8Array(0), /too short for an IDX header: 0 bytes/, 'too-short');
    expectInvalidIdx(new Uint8Array([0, 0, 8]), /3 bytes, need at least 4/, 'too-short');
    const error = expectInvalidIdx(
      new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1]),
      /header of rank 3: 8 bytes, need 16/,
      'too-short',
    );
    expect(error.details).toMatchObject({ byteLength: 8, headerBytes: 16 });
  });

  it('rejects a bad magic', () => {
    const bytes = makeIdx('uint8', [2]);
    bytes[0] = 1;
    expectInvalidIdx(bytes, /magic.*00 00, got 0x01 0x00/, 'magic');
    expectInvalidIdx(idxHeader({ typeCode: 8, dims: [0], magic: [0, 8] }), /0x00 0x08/, 'magic');
  });

  it('says when the input is gzip and points to decodeIdx', () => {
    const gz = gzipBytes(makeImagesIdx(2));
    const error = expectInvalidIdx(gz, /this is gzip.*use decodeIdx/, 'gzip');
    expect(error.code).toBe('INVALID_IDX');
  });

  it('names an unknown type code in hex', () => {
    expectInvalidIdx(
      idxHeader({ typeCode: 0x0a, dims: [1] }),
      /unknown IDX type code 0x0a/i,
      'type',
    );
    const error = expectInvalidIdx(idxHeader({ typeCode: 0xff, dims: [1] }), /0xff/, 'type');
    expect(error.details.typeCode).toBe(0xff);
  });

  it('rejects rank 0 and absurd ranks', () => {
    expectInvalidIdx(idxHeader({ typeCode: 8, dims: [] }), /rank is 0/, 'rank');
    expectInvalidIdx(idxHeader({ typeCode: 8, dims: [], rank: 200 }), /rank 200/, 'rank');
  });

  it('rejects a body shorter or longer than the dims say, with both byte counts', () => {
    const full = makeIdx('int32', [2, 5]);
    const short = expectInvalidIdx(
      full.subarray(0, full.length - 3),
      /shorter.*need 40 bytes.*but 37 bytes follow/,
      'body-short',
    );
    expect(short.details).toMatchObject({ expectedBytes: 40, actualBytes: 37 });
    const long = expectInvalidIdx(
      concat(full, new Uint8Array(2)),
      /longer.*need 40.*42 bytes follow/,
      'body-long',
    );
    expect(long.details).toMatchObject({ expectedBytes: 40, actualBytes: 42 });
  });

  it('rejects dims that overflow or promise more than the input holds, without allocating', () => {
    expectInvalidIdx(
      idxHeader({ typeCode: 0x0e, dims: [0xffffffff, 0xffffffff, 2] }),
      /MAX_SAFE_INTEGER/,
      'dims-overflow',
    );
    expectInvalidIdx(
      idxHeader({ typeCode: 0x0e, dims: [0x200000, 0x200000, 0x200] }),
      /MAX_SAFE_INTEGER/,
      'dims-overflow',
    );
    // ~2.8e14 bytes: representable, so it must be the body check (not a RangeError from an allocation).
    const error = expectInvalidIdx(
      concat(idxHeader({ typeCode: 0x08, dims: [0xffffffff, 0xffff] }), new Uint8Array(16)),
      /shorter/,
      'body-short',
    );
    expect(error.details.expectedBytes).toBe(0xffffffff * 0xffff);
    // The classic symptom: an image header whose body was cut short.
    const images = makeImagesIdx(10);
    expectInvalidIdx(images.subarray(0, 1000), /need 7840 bytes.*984 bytes follow/, 'body-short');
  });

  it('rejects bad arguments with INVALID_ARGUMENT', () => {
    const notBytes = new ArrayBuffer(8) as unknown as Uint8Array;
    expect(catchFmnist(() => parseIdx(notBytes)).code).toBe('INVALID_ARGUMENT');
    for (const maxRank of [0, 1.5, 256, Number.NaN]) {
      expect(catchFmnist(() => parseIdx(makeIdx('uint8', [1]), { maxRank })).code).toBe(
        'INVALID_ARGUMENT',
      );
    }
  });
});

describe('serializeIdx rejections', () => {
  const bad = (array: unknown, message: RegExp) => {
    const error = catchFmnist(() => serializeIdx(array as IdxArray));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(message);
  };

  it('checks type, data class, shape and length', () => {
    bad({ type: 'uint16', shape: [1], data: new Uint16Array(1) }, /Unknown IDX element type/);
    bad(
      { type: 'int32', shape: [2], data: new Float32Array(2) },
      /needs data as a Int32Array, got Float32Array/,
    );
    bad({ type: 'uint8', shape: [], data: new Uint8Array(0) }, /1 to 255 dims, got 0 dims/);
    bad({ type: 'uint8', shape: [-1], data: new Uint8Array(0) }, /integers from 0 to 4294967295/);
    bad({ type: 'uint8', shape: [2 ** 32], data: new Uint8Array(0) }, /4294967295/);
    bad(
      { type: 'uint8', shape: [2, 3], data: new Uint8Array(5) },
      /holds 6 elements but data has 5/,
    );
    bad(null, /expects an \{ type, shape, data \} object/);
  });

  it('serializes typed-array views without their surrounding buffer', () => {
    const backing = new Int16Array([9, 9, -2, 300, 9]);
    const bytes = serializeIdx({ type: 'int16', shape: [2], data: backing.subarray(2, 4) });
    expect(bytes).toEqual(makeIdx('int16', [2], [-2, 300]));
  });
});

describe('parseIdx properties', () => {
  const onlyFmnistErrors = (bytes: Uint8Array) => {
    let parsed: IdxArray;
    try {
      parsed = parseIdx(bytes);
    } catch (error) {
      if (!isFmnistError(error, 'INVALID_IDX')) throw error;
      return;
    }
    // Whatever parses must round-trip byte for byte.
    expect(serializeIdx(parsed)).toEqual(bytes);
  };

  it('random bytes only ever parse or throw INVALID_IDX', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), onlyFmnistErrors), { numRuns: 600 });
  });

  it('random headers with random body lengths only ever parse or throw INVALID_IDX', () => {
    const header = fc.record({
      typeCode: fc.constantFrom(0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x00, 0x0a, 0xff),
      dims: fc.array(
        fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom(0xffffffff, 0x10000, 0x7fffffff)),
        { maxLength: 5 },
      ),
      body: fc.integer({ min: 0, max: 300 }),
    });
    fc.assert(
      fc.property(header, ({ typeCode, dims, body }) =>
        onlyFmnistErrors(concat(idxHeader({ typeCode, dims }), new Uint8Array(body))),
      ),
      { numRuns: 600 },
    );
  });

  it('mutated valid files only ever parse or throw INVALID_IDX', () => {
    const file = fc
      .record({
        type: fc.constantFrom(...TYPES),
        shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
      })
      .map(({ type, shape }) => makeIdx(type, shape));
    const mutation = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        at: fc.nat(),
        value: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant('append' as const),
        extra: fc.uint8Array({ minLength: 1, maxLength: 9 }),
      }),
    );
    fc.assert(
      fc.property(
        file,
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (original, mutations) => {
          let bytes = original.slice();
          for (const m of mutations) {
            if (m.kind === 'set' && bytes.length > 0) bytes[m.at % bytes.length] = m.value;
            else if (m.kind === 'truncate') bytes = bytes.slice(0, m.at % (bytes.length + 1));
            else if (m.kind === 'append') bytes = concat(bytes, m.extra);
          }
          onlyFmnistErrors(bytes);
        },
      ),
      { numRuns: 800 },
    );
  });
});
