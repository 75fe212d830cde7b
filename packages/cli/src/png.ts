// PNG encoding of the small grayscale images `export` writes (pngjs).
import { PNG } from 'pngjs';

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Encodes 8-bit grayscale pixels (row-major, one byte each) as a grayscale PNG. */
export function encodeGrayPng(width: number, height: number, pixels: Uint8Array): Buffer {
  // pngjs only reads width, height and data from the image object it is given.
  const image = { width, height, data: asBuffer(pixels) } as unknown as PNG;
  return PNG.sync.write(image, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}
