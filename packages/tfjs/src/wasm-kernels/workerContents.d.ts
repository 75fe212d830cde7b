// The type of tfjs-backend-wasm's pthread worker source module, which the package ships untyped.
declare module '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js' {
  /** The emscripten pthread worker script, as one string. */
  export const wasmWorkerContents: string;
}
