// Test helpers of the brain adapter: both brain.js versions for real, and split fixtures.
import type { DatasetSplit } from '@fmnist/core';
import { loadDataset } from '@fmnist/core/node';
import { contractSplit, realDataDir } from '@fmnist/test-utils';

/** brain.js 2.0.0-beta.24's module (`import * as brain from 'brain.js'`). */
export type BrainV2 = typeof import('brain.js');
/** brain.js 1.6.1's module, installed under the alias `brain.js-v1`. */
export type BrainV1 = typeof import('brain.js-v1');

/** How the brain.js 2 module was loaded for this test run. */
export interface LoadedBrainV2 {
  brain: BrainV2;
  /** The specifier that loaded. */
  entry: 'brain.js' | 'brain.js/dist/browser.js';
  /** Why the main entry failed, when it did. */
  mainError?: unknown;
}

let loaded: Promise<LoadedBrainV2> | undefined;

/**
 * brain.js 2.0.0-beta.24 for real. Its main entry requires gpu.js's Node build, which requires the
 * native `gl` package at load time: where `gl` is not built (this workspace skips its build script,
 * see TOOLCHAIN.md) `import('brain.js')` throws before any network exists. The browser bundle
 * contains the same brain.js code with gpu.js's browser build (no `gl`), so the tests fall back to
 * it and record which one ran.
 */
export function loadBrainV2(): Promise<LoadedBrainV2> {
  loaded ??= (async () => {
    try {
      const mod = (await import('brain.js')) as BrainV2 & { default?: BrainV2 };
      return { brain: mod.default ?? mod, entry: 'brain.js' as const };
    } catch (mainError) {
      const mod = (await import('brain.js/dist/browser.js')) as BrainV2 & { default?: BrainV2 };
      return { brain: mod.default ?? mod, entry: 'brain.js/dist/browser.js' as const, mainError };
    }
  })();
  return loaded;
}

/** brain.js 1.6.1 for real. */
export async function loadBrainV1(): Promise<BrainV1> {
  const mod = (await import('brain.js-v1')) as BrainV1 & { default?: BrainV1 };
  return mod.default ?? mod;
}

/** The real Fashion-MNIST split from the shared data directory (fails loudly when missing). */
export function realSplit(split: 'train' | 'test'): Promise<DatasetSplit> {
  return loadDataset({ split, dataDir: realDataDir('fashion-mnist'), cache: false });
}

/** The split with its image bytes cut short, which every entry point must reject. */
export function raggedSplit(): DatasetSplit {
  const split = contractSplit(23);
  return { ...split, images: split.images.subarray(0, split.images.length - 3) };
}

/** Share of `predictions` equal to `labels`. */
export function accuracy(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === predictions[i]) correct++;
  return correct / labels.length;
}
