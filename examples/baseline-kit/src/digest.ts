// Content digests: the sha256 a result or metadata records for model bytes, in Node and a page.

/** Hex sha256 of `bytes` through Web Crypto, which Node 20 and every secure page have. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
