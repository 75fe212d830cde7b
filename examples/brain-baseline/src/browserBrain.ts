// Loading brain.js 2 in a page: the bundler's brain.js (its UMD browser bundle) and its version.
import * as brainNamespace from 'brain.js';
import brainPackage from 'brain.js/package.json' with { type: 'json' };
import type { BrainModule } from './train.ts';

/** brain.js as a page has it. */
export interface BrowserBrain {
  brain: BrainModule;
  /** The bundled brain.js version, from its package.json. */
  version: string;
}

/**
 * brain.js in a bundled page (vite resolves `brain.js` through its `browser` field to the UMD
 * bundle, gpu.js's browser build inside). The UMD bundle arrives as a CommonJS namespace, so the
 * API may sit under `default`.
 */
export function loadBrowserBrain(): BrowserBrain {
  const brain = ((brainNamespace as unknown as { default?: BrainModule }).default ??
    brainNamespace) as BrainModule;
  return { brain, version: brainPackage.version };
}
