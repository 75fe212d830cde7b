// Byte helpers: joining byte chunks into one exact-size buffer.

/**
 * One `Uint8Array` holding `parts` back to back, allocated once at the exact total size (chunks
 * of a download, weight files of a model, the header and body of an IDX file).
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
