// The NumPy .npy format, version 1.0, for uint8 arrays: written here because it is a dozen
// lines (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html) and no npm
// package for it is both small and maintained.
//
// Layout: the magic "\x93NUMPY", version bytes 1 0, a little-endian uint16 header length, then
// an ASCII Python dict literal padded with spaces and ended by "\n" so that the data starts at a
// multiple of 64 bytes, then the raw C-order data.

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const PREAMBLE_BYTES = MAGIC.length + 2 + 2;
const ALIGN = 64;

/**
 * The header of a v1.0 `.npy` file holding a C-order uint8 array of `shape`; the array's bytes
 * follow it directly. numpy reads the result with `np.load` as dtype `uint8`.
 */
export function npyHeader(shape: readonly number[]): Uint8Array {
  for (const dim of shape) {
    if (!Number.isInteger(dim) || dim < 0) throw new RangeError(`Bad npy dimension ${dim}.`);
  }
  // A 1-tuple needs its trailing comma in Python syntax: (N,)
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '|u1', 'fortran_order': False, 'shape': ${tuple}, }`;
  const unpadded = PREAMBLE_BYTES + dict.length + 1;
  const total = Math.ceil(unpadded / ALIGN) * ALIGN;
  const headerLength = total - PREAMBLE_BYTES;
  if (headerLength > 0xffff) throw new RangeError('npy header too long for format 1.0.');
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0; // minor version
  out[8] = headerLength & 0xff;
  out[9] = headerLength >> 8;
  const text = `${dict}${' '.repeat(total - unpadded)}\n`;
  for (let i = 0; i < text.length; i++) out[PREAMBLE_BYTES + i] = text.charCodeAt(i);
  return out;
}
