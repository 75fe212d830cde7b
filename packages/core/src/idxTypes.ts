// The IDX element types: their names, header type codes and element sizes, and the decoded array shape.
import { FmnistError } from './errors.ts';

/**
 * The element types an IDX file can hold, named after the typed array they decode to.
 * Codes: uint8 0x08, int8 0x09, int16 0x0B, int32 0x0C, float32 0x0D, float64 0x0E.
 */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed arrays that hold IDX elements, one per {@link IdxType}. */
export type IdxData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/**
 * A decoded IDX tensor: `data` holds the elements in row-major order, `shape` the dimensions
 * (e.g. `[60000, 28, 28]` for an image file, `[60000]` for a label file).
 */
export interface IdxArray<T extends IdxData = IdxData> {
  /** Element type, which also says which typed array `data` is. */
  type: IdxType;
  /** Dimensions, outermost first; their product equals `data.length`. */
  shape: number[];
  /** Elements in row-major order, in host byte order. */
  data: T;
}

/** What the codec needs to know about one element type. */
export interface IdxTypeInfo {
  /** The type byte in the IDX header. */
  readonly code: number;
  /** Bytes per element. */
  readonly bytesPerElement: number;
}

/** Type byte and element size of every IDX element type. */
export const IDX_TYPES: Readonly<Record<IdxType, IdxTypeInfo>> = Object.freeze({
  uint8: Object.freeze({ code: 0x08, bytesPerElement: 1 }),
  int8: Object.freeze({ code: 0x09, bytesPerElement: 1 }),
  int16: Object.freeze({ code: 0x0b, bytesPerElement: 2 }),
  int32: Object.freeze({ code: 0x0c, bytesPerElement: 4 }),
  float32: Object.freeze({ code: 0x0d, bytesPerElement: 4 }),
  float64: Object.freeze({ code: 0x0e, bytesPerElement: 8 }),
});

const TYPE_BY_CODE: ReadonlyMap<number, IdxType> = new Map(
  (Object.keys(IDX_TYPES) as IdxType[]).map((type) => [IDX_TYPES[type].code, type]),
);

/** The header type byte of `type` (e.g. `0x08` for `'uint8'`). Throws INVALID_ARGUMENT for an unknown type. */
export function idxTypeCode(type: IdxType): number {
  const info = Object.hasOwn(IDX_TYPES, type) ? IDX_TYPES[type] : undefined;
  if (info === undefined) {
    throw new FmnistError('INVALID_ARGUMENT', `Unknown IDX element type ${JSON.stringify(type)}.`, {
      details: { type },
    });
  }
  return info.code;
}

/** The element type for a header type byte, or `undefined` when the byte is not a known code. */
export function idxTypeFromCode(code: number): IdxType | undefined {
  return TYPE_BY_CODE.get(code);
}
