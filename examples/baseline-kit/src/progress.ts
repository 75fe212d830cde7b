// The progress union: the one kind of report every baseline emits while it runs.

/**
 * A progress report of any baseline. A run emits them in this order: `backend` (one or more:
 * candidates tried, then the one that is `ready`), then for a training baseline `train` after
 * every batch and `epoch` after every epoch, then `evaluate` (one or more), `throughput` (the
 * ONNX baseline's per-batch-size timings) and last `done`.
 */
export type BaselineProgress =
  | {
      phase: 'backend';
      /** Backend or execution provider, as recorded in the result (`wasm`, `cpu`, `gpu.js-webgl`). */
      backend: string;
      status: 'trying' | 'ready' | 'failed';
      /** Where it computes, once known. */
      device?: 'gpu' | 'cpu';
      /** What else a person wants to know, e.g. brain.js's network class. */
      detail?: string;
      /** Why a candidate `failed`. */
      error?: string;
    }
  | {
      phase: 'train';
      /** 1-based. */
      epoch: number;
      epochs: number;
      /** 1-based batch (brain.js: chunk) within the epoch. */
      batch: number;
      batches: number;
      /** Training samples done in this epoch. */
      done: number;
      /** Training samples per epoch. */
      total: number;
      /** Loss of the last batch (tfjs: cross-entropy; brain.js: mean squared error), where known. */
      loss?: number;
      /** Training accuracy of the last batch, where the framework reports it. */
      accuracy?: number;
      /** Training samples per second since training started. */
      samplesPerSecond: number;
      /** Seconds since training started. */
      seconds: number;
    }
  | {
      phase: 'epoch';
      epoch: number;
      epochs: number;
      /** Mean loss over the epoch, where known. */
      loss?: number;
      /** Mean training accuracy over the epoch, where known. */
      accuracy?: number;
      samplesPerSecond: number;
      seconds: number;
    }
  | {
      phase: 'evaluate';
      /** Test samples evaluated so far. */
      done: number;
      total: number;
      /** Seconds since evaluation started. */
      seconds: number;
    }
  | { phase: 'throughput'; batchSize: number; imagesPerSecond: number }
  | {
      phase: 'done';
      testAccuracy: number;
      /** Seconds the whole run took. */
      seconds: number;
    };

/** The `phase` of a {@link BaselineProgress}. */
export type BaselinePhase = BaselineProgress['phase'];

const fixed = (value: number | undefined, digits: number) =>
  value === undefined ? '' : value.toFixed(digits);

/**
 * One line for people, the same in every command line, page and comparison, e.g.
 * `epoch 1/2 batch 40/157 loss 0.6100 acc 0.7800 2100 samples/s`.
 */
export function formatProgress(p: BaselineProgress): string {
  switch (p.phase) {
    case 'backend': {
      const device = p.device ? ` (${p.device}${p.detail ? `, ${p.detail}` : ''})` : '';
      const error = p.error ? `: ${p.error.split('\n')[0]}` : '';
      return `backend ${p.backend} ${p.status}${device}${error}`;
    }
    case 'train': {
      const loss = p.loss === undefined ? '' : ` loss ${fixed(p.loss, 4)}`;
      const acc = p.accuracy === undefined ? '' : ` acc ${fixed(p.accuracy, 4)}`;
      return `epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches}${loss}${acc} ${p.samplesPerSecond.toFixed(0)} samples/s`;
    }
    case 'epoch': {
      const loss = p.loss === undefined ? '' : ` loss ${fixed(p.loss, 4)}`;
      const acc = p.accuracy === undefined ? '' : ` acc ${fixed(p.accuracy, 4)}`;
      return `epoch ${p.epoch}/${p.epochs} done:${loss}${acc} ${p.samplesPerSecond.toFixed(0)} samples/s`;
    }
    case 'evaluate':
      return `evaluated ${p.done}/${p.total} test images`;
    case 'throughput':
      return `batch ${p.batchSize}: ${p.imagesPerSecond.toFixed(0)} images/s`;
    case 'done':
      return `test accuracy ${(p.testAccuracy * 100).toFixed(2)}% (${p.seconds.toFixed(1)} s)`;
  }
}
