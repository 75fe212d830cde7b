// brain.js 2.0.0-beta.24 ships types for its main entry only; its browser bundle (which embeds
// gpu.js without the native `gl` binding) exports the same API.
declare module 'brain.js/dist/browser.js' {
  const brain: typeof import('brain.js');
  export = brain;
}
