// Vite's `?url` imports (the wasm binaries the browser page hands to tfjs-backend-wasm); pulled in
// by browserBackend.ts's reference, so no consumer lists this file in its tsconfig.
declare module '*?url' {
  const url: string;
  export default url;
}
