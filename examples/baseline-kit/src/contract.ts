// The baseline contract: the behaviour every baseline shares, as a vitest suite run against each.
import { type DatasetSplit, isFmnistError } from '@fmnist/core';
import { contractSplit } from '@fmnist/test-utils';
import { describe, expect, it } from 'vitest';
import type { BaselinePhase, BaselineProgress } from './progress.ts';
import { BASELINE_RESULT_FIELDS } from './result.ts';

/** What the suite hands a baseline for one run. */
export interface BaselineContractRun {
  /** A small generated training split (ignored by a baseline that does not train). */
  train: DatasetSplit;
  /** A small generated test split. */
  test: DatasetSplit;
  seed: number;
  /** Always 1: the suite checks shape and behaviour, not accuracy. */
  epochs: number;
  /** The suite checks that this lands in the result as `peakRssMB`. */
  peakRssMB: () => number;
  signal?: AbortSignal;
  onProgress: (progress: BaselineProgress) => void;
}

/** How the contract suite drives a baseline. */
export interface BaselineContractSubject {
  /** Baseline name used in the test titles. */
  name: string;
  /** Whether it trains (then it must report `train` and `epoch` progress and its own training fields). */
  trains: boolean;
  /** Runs the baseline's entry function with these options and returns its result. */
  run(options: BaselineContractRun): Promise<Record<string, unknown>>;
  /** Per-test timeout in ms. Default 60,000. */
  timeout?: number;
}

const PHASE_ORDER: Record<BaselinePhase, number> = {
  backend: 0,
  train: 1,
  epoch: 1,
  evaluate: 2,
  throughput: 3,
  done: 4,
};

const PEAK_RSS = 123.4;

/** A generated training split and test split, every class present (see `contractSplit`). */
export function contractSplits(): { train: DatasetSplit; test: DatasetSplit } {
  return { train: { ...contractSplit(96), split: 'train' }, test: contractSplit(37) };
}

/**
 * The behaviour every fmnist baseline shares: a result with every `BASELINE_RESULT_FIELDS` field
 * of the right type, an accuracy that matches its confusion matrix, progress in the documented
 * order ending with `done`, a typed `ABORTED` rejection when the signal fires, and the same
 * result for the same seed. Call it at the top level of a vitest file.
 */
export function describeBaselineContract(subject: BaselineContractSubject): void {
  const timeout = subject.timeout ?? 60_000;
  describe(`baseline contract: ${subject.name}`, () => {
    const { train, test } = contractSplits();
    const run = (extra: Partial<BaselineContractRun> = {}) => {
      const events: BaselineProgress[] = [];
      const result = subject.run({
        train,
        test,
        seed: 7,
        epochs: 1,
        peakRssMB: () => PEAK_RSS,
        onProgress: (p) => events.push(p),
        ...extra,
      });
      return { result, events };
    };

    it(
      'returns every shared result field with a sane type',
      async () => {
        const result = await run().result;
        for (const field of BASELINE_RESULT_FIELDS) expect(result).toHaveProperty(field);
        for (const field of ['framework', 'frameworkVersion', 'backend', 'model'] as const) {
          expect(typeof result[field], field).toBe('string');
          expect((result[field] as string).length, field).toBeGreaterThan(0);
        }
        expect(['node', 'browser']).toContain(result.runtime);
        expect(['gpu', 'cpu']).toContain(result.device);
        expect(result.dataset).toBe(test.dataset);
        expect(result.testSamples).toBe(test.count);
        expect(Number.isInteger(result.seed)).toBe(true);
        for (const field of ['trainSamples', 'epochs'] as const) {
          expect(Number.isInteger(result[field]), field).toBe(true);
          expect(result[field] as number, field).toBeGreaterThan(0);
        }
        for (const field of [
          'trainSeconds',
          'trainSamplesPerSecond',
          'inferenceImagesPerSecond',
        ] as const) {
          expect(Number.isFinite(result[field]), field).toBe(true);
          expect(result[field] as number, field).toBeGreaterThanOrEqual(0);
        }
        expect(result.inferenceImagesPerSecond).toBeGreaterThan(0);
        expect(result.peakRssMB).toBe(PEAK_RSS);
        if (subject.trains) {
          expect(result).toMatchObject({ trainSamples: train.count, epochs: 1, seed: 7 });
          expect(result.trainSeconds as number).toBeGreaterThan(0);
        }
        // What a result file holds: it survives JSON unchanged.
        expect(JSON.parse(JSON.stringify(result))).toEqual(result);
      },
      timeout,
    );

    it(
      'reports an accuracy in [0, 1] that its confusion matrix adds up to',
      async () => {
        const result = await run().result;
        const accuracy = result.testAccuracy as number;
        const matrix = result.confusionMatrix as number[][];
        const perClass = result.perClassAccuracy as number[];
        const classes = test.classNames.length;
        expect(accuracy).toBeGreaterThanOrEqual(0);
        expect(accuracy).toBeLessThanOrEqual(1);
        expect(matrix).toHaveLength(classes);
        for (const row of matrix) {
          expect(row).toHaveLength(classes);
          for (const n of row) expect(Number.isInteger(n) && n >= 0).toBe(true);
        }
        expect(matrix.flat().reduce((a, b) => a + b, 0)).toBe(test.count);
        const correct = matrix.reduce((sum, row, i) => sum + row[i], 0);
        expect(accuracy).toBeCloseTo(correct / test.count, 10);
        expect(perClass).toHaveLength(classes);
        for (const [i, row] of matrix.entries()) {
          expect(perClass[i]).toBeCloseTo(row[i] / row.reduce((a, b) => a + b, 0), 10);
        }
      },
      timeout,
    );

    it(
      'reports progress in the documented order, ending with done',
      async () => {
        const { result, events } = run();
        const final = await result;
        expect(events.length).toBeGreaterThan(2);
        expect(events[0].phase).toBe('backend');
        expect(events.some((e) => e.phase === 'backend' && e.status === 'ready')).toBe(true);
        const ranks = events.map((e) => PHASE_ORDER[e.phase]);
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
        const last = events.at(-1);
        expect(last).toMatchObject({ phase: 'done', testAccuracy: final.testAccuracy });
        expect(events.filter((e) => e.phase === 'done')).toHaveLength(1);
        const evaluations = events.filter((e) => e.phase === 'evaluate');
        expect(evaluations.length).toBeGreaterThan(0);
        expect(evaluations.at(-1)).toMatchObject({ done: test.count, total: test.count });
        const trained = events.filter((e) => e.phase === 'train');
        const epochs = events.filter((e) => e.phase === 'epoch');
        if (subject.trains) {
          expect(trained.length).toBeGreaterThan(0);
          expect(epochs.map((e) => e.epoch)).toEqual([1]);
          expect(trained.at(-1)).toMatchObject({ epoch: 1, epochs: 1, done: train.count });
          for (const e of trained) expect(e.batch).toBeLessThanOrEqual(e.batches);
        } else {
          expect(trained.length + epochs.length).toBe(0);
        }
      },
      timeout,
    );

    it(
      'rejects with a typed ABORTED error when the signal has fired or fires mid-run',
      async () => {
        const before = new AbortController();
        before.abort();
        const early = await run({ signal: before.signal }).result.catch((e: unknown) => e);
        expect(isFmnistError(early, 'ABORTED'), String(early)).toBe(true);

        const during = new AbortController();
        let seen = 0;
        const late = await run({
          signal: during.signal,
          // Past the backend choice: the first report of real work.
          onProgress: (p) => {
            if (p.phase !== 'backend' && seen++ === 0) during.abort();
          },
        }).result.catch((e: unknown) => e);
        expect(isFmnistError(late, 'ABORTED'), String(late)).toBe(true);
      },
      timeout,
    );

    it(
      'gives the same result for the same seed',
      async () => {
        const a = await run().result;
        const b = await run().result;
        expect(b.confusionMatrix).toEqual(a.confusionMatrix);
        expect(b.testAccuracy).toBe(a.testAccuracy);
        expect(b.model).toBe(a.model);
      },
      timeout * 2,
    );
  });
}
