// gzip: detecting it and inflating it with DecompressionStream, chunk by chunk under an output limit.
import { FmnistError } from './errors.ts';

/** Limits for a {@link Gunzip} call. */
export interface GunzipOptions {
  /**
   * Abort with `INVALID_GZIP` as soon as the inflated output would pass this many bytes (a guard
   * against gzip bombs). Default {@link DEFAULT_MAX_OUTPUT_BYTES} (1 GiB).
   */
  maxOutputBytes?: number;
  /**
   * The exact inflated size when known (e.g. from a dataset descriptor). The output is then
   * preallocated once and filled in place, and any other size fails with `INVALID_GZIP`.
   */
  expectedBytes?: number;
}

/**
 * Inflates gzip bytes. The default is {@link gunzip} (DecompressionStream); platforms can inject
 * a faster one (e.g. node:zlib). Implementations must honour both options and throw
 * `FmnistError('INVALID_GZIP')` for corrupt, truncated or oversized input.
 */
export type Gunzip = (bytes: Uint8Array, options?: GunzipOptions) => Promise<Uint8Array>;

/** Default output cap for {@link gunzip} and `decodeIdx`: 1 GiB, well above Fashion-MNIST's 47 MB. */
export const DEFAULT_MAX_OUTPUT_BYTES = 2 ** 30;

// Deflate cannot expand data by more than about 1032:1, so a size hint above that is a lie.
const MAX_DEFLATE_RATIO = 1032;
// 10-byte header + at least 2 bytes of deflate + 8-byte trailer (CRC32, ISIZE).
const MIN_GZIP_BYTES = 20;

/** True when `bytes` starts with the gzip magic `1f 8b` followed by the deflate method byte `08`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08;
}

/**
 * True when `bytes` starts with `1f 8b`. Looser than {@link isGzip} on purpose: 1f 8b with another
 * method byte is still gzip, just unsupported, and should get a gzip error rather than an IDX one.
 */
export function hasGzipMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The ISIZE trailer (inflated size mod 2^32 of the last member) when it is plausible, else
 * undefined. Only ever a preallocation hint: it is attacker-controlled and wrong for multi-member
 * files or outputs of 4 GiB and more, so it never raises a limit or fails a decode.
 */
function sizeHint(bytes: Uint8Array, maxOutputBytes: number): number | undefined {
  if (bytes.length < MIN_GZIP_BYTES) return undefined;
  const n = bytes.length;
  const isize =
    (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0;
  if (isize > maxOutputBytes || isize > n * MAX_DEFLATE_RATIO) return undefined;
  return isize;
}

/** `value` when it is undefined or a non-negative safe integer; INVALID_ARGUMENT otherwise. */
export function checkSize(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `${name} must be a non-negative safe integer, got ${String(value)}.`,
      { details: { [name]: value } },
    );
  }
  return value;
}

/** An INVALID_GZIP error with `details.reason` saying which check failed. */
export function gzipError(
  message: string,
  details: Record<string, unknown>,
  cause?: unknown,
): FmnistError {
  return new FmnistError('INVALID_GZIP', message, { cause, details });
}

/**
 * Inflates gzip bytes with the platform's `DecompressionStream('gzip')` (Node 18+, all current
 * browsers), reading the output chunk by chunk so `maxOutputBytes` stops a gzip bomb early.
 * Concatenated members are inflated one after another, as DecompressionStream does.
 *
 * With `expectedBytes`, one `Uint8Array` of that size is allocated up front and filled (no
 * concatenation copy). Otherwise the ISIZE trailer sizes the buffer when it is plausible, and
 * the output grows past it only up to `maxOutputBytes`.
 *
 * @throws FmnistError `INVALID_GZIP` for input without gzip magic, corrupt or truncated data
 *   (the stream's error is the `cause`), output past `maxOutputBytes`, or output whose size
 *   differs from `expectedBytes`; `INVALID_ARGUMENT` for bad options or a runtime without
 *   DecompressionStream.
 */
export async function gunzip(bytes: Uint8Array, options: GunzipOptions = {}): Promise<Uint8Array> {
  if (!(bytes instanceof Uint8Array)) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      'gunzip expects the compressed bytes as a Uint8Array.',
    );
  }
  const maxOutputBytes =
    checkSize('maxOutputBytes', options.maxOutputBytes) ?? DEFAULT_MAX_OUTPUT_BYTES;
  const expectedBytes = checkSize('expectedBytes', options.expectedBytes);
  if (expectedBytes !== undefined && expectedBytes > maxOutputBytes) {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      `expectedBytes ${expectedBytes} is larger than maxOutputBytes ${maxOutputBytes}.`,
      { details: { expectedBytes, maxOutputBytes } },
    );
  }
  if (!hasGzipMagic(bytes)) {
    const head = Array.from(bytes.subarray(0, 2), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw gzipError(`Not gzip data: it must start with 1f 8b, got "${head}".`, {
      reason: 'magic',
      byteLength: bytes.length,
    });
  }
  if (typeof DecompressionStream !== 'function') {
    throw new FmnistError(
      'INVALID_ARGUMENT',
      'This runtime has no DecompressionStream; pass a gunzip function (e.g. the platform one).',
    );
  }

  const stream = new DecompressionStream('gzip');
  const writer = stream.writable.getWriter();
  // Not awaited: the readable side must be drained concurrently or backpressure deadlocks it.
  // Its errors resurface on the reader, so they are only silenced here.
  // Streams refuse SharedArrayBuffer-backed chunks, so only those are copied.
  const chunk = (
    bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice()
  ) as Uint8Array<ArrayBuffer>;
  writer
    .write(chunk)
    .then(() => writer.close())
    .catch(() => {});
  const reader = stream.readable.getReader();

  const exact = expectedBytes !== undefined;
  const hint = exact ? expectedBytes : sizeHint(bytes, maxOutputBytes);
  let out = hint === undefined ? undefined : new Uint8Array(hint);
  let chunks: Uint8Array[] | undefined = out === undefined ? [] : undefined;
  let total = 0;

  for (;;) {
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await reader.read();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw gzipError(
        `Corrupt or truncated gzip data after ${total} inflated bytes: ${reason}.`,
        { reason: 'corrupt', inflatedBytes: total, byteLength: bytes.length },
        error,
      );
    }
    if (result.done) break;
    const chunk = result.value;
    const next = total + chunk.length;
    if (next > maxOutputBytes) {
      await reader.cancel().catch(() => {});
      throw gzipError(
        `gzip data inflated past ${maxOutputBytes} bytes (maxOutputBytes); refusing to continue (possible gzip bomb).`,
        { reason: 'max-output', maxOutputBytes, byteLength: bytes.length },
      );
    }
    if (out !== undefined && next > out.length) {
      if (exact) {
        await reader.cancel().catch(() => {});
        throw gzipError(`gzip data inflated past the expected ${expectedBytes} bytes.`, {
          reason: 'size-mismatch',
          expectedBytes,
          actualBytesAtLeast: next,
        });
      }
      // The hint was wrong (multi-member file or a forged trailer): keep what we have as the
      // first chunk and fall back to collecting chunks.
      chunks = [out.subarray(0, total)];
      out = undefined;
    }
    if (out !== undefined) out.set(chunk, total);
    else chunks!.push(chunk);
    total = next;
  }

  if (exact && total !== expectedBytes) {
    throw gzipError(`gzip data inflated to ${total} bytes but ${expectedBytes} were expected.`, {
      reason: 'size-mismatch',
      expectedBytes,
      actualBytes: total,
    });
  }
  if (out !== undefined) {
    if (total === out.length) return out;
    // A forged trailer could leave most of the buffer empty; only then is a copy worth it.
    return total < out.length / 2 ? out.slice(0, total) : out.subarray(0, total);
  }
  const result = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks!) {
    result.set(chunk, offset);
    offset += chunk.length;
  }
  return result;
}
