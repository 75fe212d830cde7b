// toFloat32's wasm SIMD path: the kernels loaded lazily, one proven bit-exact per affine map, chunked conversion.
import { FLOAT32_KERNEL_WASM_BASE64 } from './float32Kernel.wasm.ts';

/** Which code converts bytes to floats: a wasm kernel (by its export name) or the JS lookup tables. */
export type Float32Kernel = 'mulAdd' | 'splitMulAdd' | 'mulAdd64' | 'js';

/** Converts `length` bytes from `src[srcStart]` into `dst[dstStart]`. */
export type Float32Converter = (
  src: Uint8Array,
  srcStart: number,
  length: number,
  dst: Float32Array,
  dstStart: number,
) => void;

type KernelExport = (src: number, dst: number, n: number, ...factors: number[]) => void;

interface Kernels {
  mulAdd: KernelExport;
  splitMulAdd: KernelExport;
  mulAdd64: KernelExport;
  /** The scratch areas in the module's memory, which never grows (so these never detach). */
  input: Uint8Array;
  output: Float32Array;
}

/**
 * Pixels per kernel call: 8 KB in and 32 KB out stay in the L1/L2 caches between the copy in,
 * the kernel and the copy out, so main memory sees each byte once (4096 to 16384 measured alike;
 * 2048 pays more per call).
 */
const CHUNK = 8192;
/** Float32s per 4 KiB memory page. */
const PAGE_FLOATS = 1024;
/** Byte offsets of the scratch areas; the output area ends at 40 KB, inside the one 64 KB page. */
const INPUT_AT = 0;
const OUTPUT_AT = CHUNK;

/** `undefined`: not tried yet; `null`: no WebAssembly, no SIMD, or compiling it is forbidden. */
let kernels: Kernels | null | undefined;
/** False while {@link useFloat32Wasm} has turned the wasm path off. */
let enabled = true;

/** What converts one affine map: the kernel's name, and its converter unless it is `'js'`. */
export interface Float32Choice {
  kernel: Float32Kernel;
  convert?: Float32Converter;
}

/** The last choice made: `batches` converts image by image with one affine map. */
let chosen: { scale: number; offset: number; choice: Float32Choice } | undefined;

/**
 * What converts `x -> x * scale + offset`: the first wasm kernel whose output on all 256 byte
 * values has the same bits as `table` (what the JavaScript path stores), else `'js'`. A kernel's
 * output is a function of the byte alone, lane by lane, so agreeing on the 256 values is agreeing
 * on every input. Tried in order of speed: float32 multiply-add (exact for `'none'`), float32
 * with the factor split in two (exact for `x / 255`, `'scale'`), then float64 arithmetic narrowed
 * to float32 (the JavaScript computation itself, for `'standardize'`).
 * @internal
 */
export function float32Choice(scale: number, offset: number, table: Float32Array): Float32Choice {
  if (chosen?.scale === scale && chosen.offset === offset) return chosen.choice;
  const loaded = enabled ? loadKernels() : null;
  let choice: Float32Choice = { kernel: 'js' };
  if (loaded) {
    const [high, low] = split(scale);
    const candidates: [Exclude<Float32Kernel, 'js'>, number[]][] = [
      ['mulAdd', [scale, offset]],
      ['splitMulAdd', [high, low, offset]],
      ['mulAdd64', [scale, offset]],
    ];
    const expected = new Uint32Array(table.buffer, table.byteOffset, 256);
    const got = new Uint32Array(loaded.output.buffer, OUTPUT_AT, 256);
    for (let x = 0; x < 256; x++) loaded.input[x] = x;
    for (const [kernel, factors] of candidates) {
      loaded[kernel](INPUT_AT, OUTPUT_AT, 256, ...factors);
      if (got.every((bits, x) => bits === expected[x])) {
        choice = { kernel, convert: chunked(loaded, loaded[kernel], factors) };
        break;
      }
    }
  }
  chosen = { scale, offset, choice };
  return choice;
}

/**
 * A converter running one kernel chunk by chunk. Each chunk is copied into the module's memory,
 * converted there and copied out with `TypedArray.prototype.set` (a memcpy): wasm cannot write
 * into the caller's array, and a result living in a wasm memory could neither be transferred to a
 * worker nor be freed alone.
 */
function chunked(loaded: Kernels, run: KernelExport, factors: number[]): Float32Converter {
  const { input, output } = loaded;
  const [a, b, c] = factors;
  return (src, srcStart, length, dst, dstStart) => {
    for (let done = 0; done < length; done += CHUNK) {
      const n = Math.min(CHUNK, length - done);
      input.set(src.subarray(srcStart + done, srcStart + done + n));
      run(INPUT_AT, OUTPUT_AT, n, a, b, c);
      // One store per 4 KiB page before the memcpy: on a fresh array, faulting the pages in
      // with plain stores and then copying measured 11-13% faster than faulting inside the copy.
      const end = dstStart + done + n;
      for (let at = dstStart + done; at < end; at += PAGE_FLOATS) dst[at] = 0;
      dst.set(n === CHUNK ? output : output.subarray(0, n), dstStart + done);
    }
  };
}

/**
 * `a` as float32 `[high, low]`: `high` keeps 16 significant bits, so a byte times it is exact in
 * float32, and `low` is the float32 nearest the rest.
 */
function split(a: number): [number, number] {
  const bits = new Uint32Array(Float32Array.of(a).buffer);
  bits[0] &= 0xffffff00;
  const high = new Float32Array(bits.buffer)[0];
  return [high, Math.fround(a - high)];
}

/**
 * Turns the wasm path off (the lookup tables then convert everything) or on again, detecting
 * WebAssembly afresh: for tests of the fallback and for the bench's JavaScript numbers.
 * @internal
 */
export function useFloat32Wasm(on: boolean): void {
  enabled = on;
  kernels = undefined;
  chosen = undefined;
}

/**
 * Compiles the module on first use (never at import: `sideEffects: false`). It is under 1 KB, so
 * the synchronous compile is allowed on a browser's main thread (Chromium refuses sync compiles
 * only above 4 KB, 8 MB in recent versions). No WebAssembly, no SIMD (`validate` is false), or a
 * page whose Content-Security-Policy forbids wasm compilation: the lookup tables take over.
 */
function loadKernels(): Kernels | null {
  if (kernels !== undefined) return kernels;
  kernels = null;
  if (typeof WebAssembly !== 'object' || WebAssembly === null) return kernels;
  try {
    const bytes = Uint8Array.from(atob(FLOAT32_KERNEL_WASM_BASE64), (c) => c.charCodeAt(0));
    if (!WebAssembly.validate(bytes)) return kernels;
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    const { memory, mulAdd, splitMulAdd, mulAdd64 } = exports as Record<string, unknown> & {
      memory: WebAssembly.Memory;
    } & Pick<Kernels, 'mulAdd' | 'splitMulAdd' | 'mulAdd64'>;
    kernels = {
      mulAdd,
      splitMulAdd,
      mulAdd64,
      input: new Uint8Array(memory.buffer, INPUT_AT, CHUNK),
      output: new Float32Array(memory.buffer, OUTPUT_AT, CHUNK),
    };
  } catch {
    kernels = null;
  }
  return kernels;
}
