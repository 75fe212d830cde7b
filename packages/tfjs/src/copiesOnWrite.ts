// Whether the active tfjs backend copies the array a tensor is made from (so the array can be refilled).
import { getBackend } from '@tensorflow/tfjs-core';

/**
 * Whether the active backend copies a tensor's values out of the array it is given when the
 * tensor is created: then one batch's arrays can be refilled for the next (no 200 KB allocation
 * per batch of 64, and less garbage to collect). tfjs-backend-wasm copies into its heap in
 * `write` (`move`: `HEAPU8.set`); `cpu`, `webgl`, `webgpu` and tfjs-node keep the array itself
 * (until upload, or for good), so they get fresh arrays.
 */
export function copiesOnWrite(): boolean {
  return getBackend() === 'wasm';
}
