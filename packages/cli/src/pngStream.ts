// An RGB PNG written band by band through one zlib deflate stream, so memory stays one band.
import { createDeflate } from 'node:zlib';
import { throwIfInterrupted } from './errors.ts';
import type { PendingOutput } from './outputFiles.ts';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** Bytes of RGBA one band may take; the band's RGB scanlines take three quarters of that. */
const BAND_BYTES = 4 << 20;

// CRC-32 (ISO 3309, the one PNG chunks end with); zlib.crc32 only exists from Node 20.15.
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array, crc = 0xffffffff): number {
  let c = crc;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return c;
}

/** One PNG chunk: length, type, data, CRC over type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, (crc32(out.subarray(4, 8 + data.length)) ^ 0xffffffff) >>> 0);
  return out;
}

/** Lines per band for an image `width` pixels wide. */
export function bandLines(width: number): number {
  return Math.max(1, Math.floor(BAND_BYTES / (width * 4)));
}

/**
 * Writes a `width` x `height` 8-bit RGB PNG to `output`. `drawBand(y0, rgba)` fills `rgba`
 * (RGBA, `width` wide, `rgba.length / (width * 4)` lines) with lines `y0...`; the alpha is
 * dropped. Only one band and zlib's buffers are held at a time, whatever the image's size, and
 * the signal is checked between bands.
 */
export async function writeRgbPng(
  output: PendingOutput,
  width: number,
  height: number,
  drawBand: (y0: number, rgba: Uint8Array) => void,
  signal: AbortSignal,
): Promise<void> {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  await output.write(SIGNATURE);
  await output.write(chunk('IHDR', header));
  const deflate = createDeflate();
  // Deflate's output goes to the file as it comes, one IDAT chunk per piece, in order.
  const written = (async () => {
    for await (const piece of deflate) await output.write(chunk('IDAT', piece as Buffer));
  })();
  // A failed write ends the loop above with its error; it is rethrown below, never unhandled.
  let failure: unknown;
  written.catch((error) => {
    failure = error;
  });
  deflate.on('error', () => undefined);
  try {
    const lines = bandLines(width);
    const rgba = new Uint8Array(width * lines * 4);
    // Reused for every band: each write's callback comes once zlib has taken all of it.
    const stride = 1 + width * 3;
    const scanlines = new Uint8Array(stride * lines);
    for (let y0 = 0; y0 < height; y0 += lines) {
      throwIfInterrupted(signal, 'Preview');
      if (failure !== undefined) throw failure;
      const n = Math.min(lines, height - y0);
      drawBand(y0, rgba);
      // Each scanline: filter type 0 (none), then R G B per pixel.
      for (let y = 0; y < n; y++) {
        let o = y * stride + 1;
        let i = y * width * 4;
        for (let x = 0; x < width; x++, i += 4) {
          scanlines[o++] = rgba[i];
          scanlines[o++] = rgba[i + 1];
          scanlines[o++] = rgba[i + 2];
        }
      }
      const consumed = new Promise<void>((resolve, reject) =>
        deflate.write(scanlines.subarray(0, stride * n), (error) =>
          error ? reject(error) : resolve(),
        ),
      );
      await Promise.race([consumed, written]);
    }
    deflate.end();
    await written;
  } catch (error) {
    deflate.destroy();
    throw error;
  }
  await output.write(chunk('IEND', new Uint8Array(0)));
}
