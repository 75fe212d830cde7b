// Loading brain.js 2 in Node (main entry or browser bundle) and probing whether gpu.js reaches a GPU.
/// <reference path="./brainjs-browser.d.ts" />
// Its main entry requires gpu.js's Node build, which requires the
// native `gl` package as soon as it loads; where `gl` is not built (its install script compiles
// it, or downloads a prebuilt binary that an offline machine cannot fetch) `import('brain.js')`
// throws before any network exists, even for the CPU `NeuralNetwork`. The package's browser
// bundle holds the same brain.js code with gpu.js's browser build, which needs no `gl`.
import { createRequire } from 'node:module';
import type { BrainModule } from './train.ts';

/** brain.js as loaded, and how. */
export interface LoadedBrain {
  brain: BrainModule;
  /** `'brain.js'` (main entry, gpu.js with headless `gl`) or `'brain.js/dist/browser.js'`. */
  entry: 'brain.js' | 'brain.js/dist/browser.js';
  /** The installed brain.js version, from its package.json. */
  version: string;
  /** Why the main entry could not load, when it could not. */
  mainError?: string;
}

/** Loads brain.js 2: the main entry when it loads, else the browser bundle. */
export async function loadBrain(): Promise<LoadedBrain> {
  const require = createRequire(import.meta.url);
  const { version } = require('brain.js/package.json') as { version: string };
  try {
    const mod = (await import('brain.js')) as BrainModule & { default?: BrainModule };
    return { brain: mod.default ?? mod, entry: 'brain.js', version };
  } catch (error) {
    const mod = (await import('brain.js/dist/browser.js')) as BrainModule & {
      default?: BrainModule;
    };
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return {
      brain: mod.default ?? mod,
      entry: 'brain.js/dist/browser.js',
      version,
      mainError: message,
    };
  }
}

/** Whether gpu.js in this Node process can reach a GPU (headless `gl` built and a context created). */
export function nodeHasGpu(brain: BrainModule): boolean {
  try {
    const probe = new brain.NeuralNetworkGPU() as unknown as {
      gpu?: { Kernel?: { mode?: string } };
    };
    return probe.gpu?.Kernel?.mode === 'gpu';
  } catch {
    return false;
  }
}
