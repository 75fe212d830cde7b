// PNG encoding of grayscale images and RGBA grids (pngjs).
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

/** Encodes RGBA pixels (row-major, four bytes each) as an RGB PNG (the alpha is dropped). */
export function encodeRgbaPng(width: number, height: number, rgba: Uint8Array): Buffer {
  const image = { width, height, data: asBuffer(rgba) } as unknown as PNG;
  return PNG.sync.write(image, { colorType: 2, inputColorType: 6, inputHasAlpha: true });
}
