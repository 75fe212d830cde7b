// Types of brain.js's browser bundle: 2.0.0-beta.24 ships types for its main entry only; the bundle
// (gpu.js without the native `gl` binding inside) exports the same API. loadBrain.ts references
// this file, so no consumer lists it in its tsconfig.
declare module 'brain.js/dist/browser.js' {
  const brain: typeof import('brain.js');
  export = brain;
}
