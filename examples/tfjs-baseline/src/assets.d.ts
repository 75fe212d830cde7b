// Vite's `?url` imports (the wasm binaries the browser page hands to tfjs-backend-wasm).
declare module '*?url' {
  const url: string;
  export default url;
}
