// Instantiating this package's wasm SIMD modules on the tfjs wasm backend's own heap (no copies).
import type { WasmBackendLike } from './backend.ts';

/** A module built by scripts/build-wasm.ts: base64 bytes importing a plain or a shared memory. */
export interface SimdModuleSource {
  readonly plain: string;
  readonly shared: string;
}

// Per heap (a backend re-created with a fresh wasm module has a new one), per module: the
// instance's exports, or null where this engine cannot run it (no wasm SIMD, no heap found).
const instances = new WeakMap<
  WebAssembly.Memory,
  Map<SimdModuleSource, WebAssembly.Exports | null>
>();
const compiled = new Map<string, WebAssembly.Module | null>();

let enabled = true;

/**
 * Turns this package's SIMD modules off (or back on), so the kernels take the paths an engine
 * without wasm SIMD takes. For tests of those fallbacks; not part of the public API.
 */
export function setSimdModulesEnabled(on: boolean): void {
  enabled = on;
}

/** The wasm backend's heap, from whichever place its emscripten build keeps it. */
export function wasmHeap(backend: WasmBackendLike): WebAssembly.Memory | undefined {
  const memory = backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

function compile(base64: string): WebAssembly.Module | null {
  let module = compiled.get(base64);
  if (module === undefined) {
    try {
      // Synchronous: kernels are synchronous. The modules are far below the 4 KB that browsers
      // allow to compile synchronously on the main thread.
      module = new WebAssembly.Module(Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0)));
    } catch {
      module = null; // an engine without wasm SIMD: callers fall back to the original kernel
    }
    compiled.set(base64, module);
  }
  return module;
}

/**
 * The exports of `source` instantiated against the backend's heap (cached), so its functions
 * take the tensors' `memoryOffset`s directly; undefined when the engine or backend build cannot
 * run it, in which case the caller runs the backend's original kernel instead.
 */
export function simdExports(
  backend: WasmBackendLike,
  source: SimdModuleSource,
): WebAssembly.Exports | undefined {
  const memory = wasmHeap(backend);
  if (!enabled || memory === undefined) return undefined;
  let perHeap = instances.get(memory);
  if (perHeap === undefined) {
    perHeap = new Map();
    instances.set(memory, perHeap);
  }
  let exports = perHeap.get(source);
  if (exports === undefined) {
    const shared =
      typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = compile(shared ? source.shared : source.plain);
    exports = null;
    if (module !== null) {
      try {
        exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
      } catch {
        // a heap whose limits the module's import does not accept: fall back
      }
    }
    perHeap.set(source, exports);
  }
  return exports ?? undefined;
}
