// Tests of the settings, the job plan, job progress and the ETA.
import { describe, expect, it } from 'vitest';
import { planJobs, resolveSettings } from '../src/plan.ts';
import { formatDuration, ProgressTracker, toJobProgress } from '../src/progress.ts';

describe('resolveSettings', () => {
  it('defaults to a quick Fashion-MNIST comparison of every baseline', () => {
    expect(resolveSettings()).toEqual({
      mode: 'quick',
      datasets: ['fashion-mnist'],
      baselines: ['tfjs-mlp', 'onnx-mlp', 'tfjs-cnn', 'onnx-cnn', 'brain-mlp'],
      trainSamples: 10000,
      testSamples: null,
      epochs: { 'tfjs-mlp': 5, 'tfjs-cnn': 4, 'brain-mlp': 5 },
      seed: 42,
      normalize: 'scale',
    });
  });

  it('uses the whole training split and the full-run epochs with --full, both datasets with all', () => {
    const settings = resolveSettings({ mode: 'full', dataset: 'all' });
    expect(settings.trainSamples).toBeNull();
    expect(settings.epochs).toEqual({ 'tfjs-mlp': 15, 'tfjs-cnn': 12, 'brain-mlp': 5 });
    expect(settings.datasets).toEqual(['fashion-mnist', 'mnist']);
  });

  it('applies overrides and keeps the canonical baseline order', () => {
    const settings = resolveSettings({
      baselines: ['brain-mlp', 'onnx-mlp', 'tfjs-mlp'],
      epochs: 1,
      trainSamples: 500,
      testSamples: 100,
      seed: 7,
    });
    expect(settings.baselines).toEqual(['tfjs-mlp', 'onnx-mlp', 'brain-mlp']);
    expect(settings.epochs).toEqual({ 'tfjs-mlp': 1, 'tfjs-cnn': 1, 'brain-mlp': 1 });
    expect(settings).toMatchObject({ trainSamples: 500, testSamples: 100, seed: 7 });
  });

  it('rejects what cannot run', () => {
    expect(() => resolveSettings({ baselines: ['onnx-cnn'] })).toThrow(/add tfjs-cnn/);
    expect(() => resolveSettings({ baselines: ['keras' as never] })).toThrow(/Unknown baseline/);
    expect(() => resolveSettings({ dataset: 'cifar' as never })).toThrow(/Unknown dataset/);
    expect(() => resolveSettings({ trainSamples: 0 })).toThrow(/positive integer/);
    expect(() => resolveSettings({ epochs: 1.5 })).toThrow(/positive integer/);
  });
});

describe('planJobs', () => {
  it('runs each ONNX job right after the tfjs job whose model it evaluates, per dataset', () => {
    const jobs = planJobs(resolveSettings({ dataset: 'all' }));
    expect(jobs.map((j) => j.id)).toEqual([
      'fashion-mnist/tfjs-mlp',
      'fashion-mnist/onnx-mlp',
      'fashion-mnist/tfjs-cnn',
      'fashion-mnist/onnx-cnn',
      'fashion-mnist/brain-mlp',
      'mnist/tfjs-mlp',
      'mnist/onnx-mlp',
      'mnist/tfjs-cnn',
      'mnist/onnx-cnn',
      'mnist/brain-mlp',
    ]);
    expect(jobs[1]).toMatchObject({ trainedBy: 'tfjs-mlp', quick: true, trainSamples: 10000 });
    expect(jobs[1].epochs).toBeUndefined();
    expect(jobs[2]).toMatchObject({ epochs: 4, seed: 42 });
    // The CNN is the slow one: the ETA weighs it accordingly.
    expect(jobs[2].expectedSeconds).toBeGreaterThan(3 * jobs[0].expectedSeconds);
  });
});

describe('progress', () => {
  it('maps each baseline’s reports onto one 0..1 scale per job', () => {
    // tfjs, training.
    expect(
      toJobProgress(
        {
          phase: 'train',
          epoch: 2,
          epochs: 2,
          batch: 50,
          batches: 100,
          done: 3200,
          total: 6400,
          loss: 0.5,
          accuracy: 0.8,
          samplesPerSecond: 1000,
          seconds: 9.6,
        },
        true,
      ),
    ).toEqual({
      phase: 'train',
      fraction: 0.9 * 0.75,
      detail: 'epoch 2/2 batch 50/100 loss 0.5000 acc 0.8000 1000 samples/s',
    });
    // tfjs, evaluation starts.
    expect(
      toJobProgress({ phase: 'evaluate', done: 0, total: 10, seconds: 0 }, true).fraction,
    ).toBe(0.9);
    // ONNX (inference only).
    expect(
      toJobProgress({ phase: 'evaluate', done: 500, total: 1000, seconds: 1 }, false).fraction,
    ).toBeCloseTo(0.375);
    // brain.js, training and testing.
    expect(
      toJobProgress(
        {
          phase: 'train',
          epoch: 1,
          epochs: 3,
          batch: 1,
          batches: 1,
          done: 300,
          total: 300,
          samplesPerSecond: 300,
          seconds: 1,
        },
        true,
      ).fraction,
    ).toBeCloseTo(0.3);
    expect(
      toJobProgress({ phase: 'evaluate', done: 50, total: 100, seconds: 1 }, true),
    ).toMatchObject({ phase: 'evaluate', fraction: 0.95 });
  });

  it('estimates the time left from how fast the machine has been, weighing jobs by expected cost', () => {
    let now = 0;
    const jobs = planJobs(resolveSettings({ baselines: ['tfjs-mlp', 'tfjs-cnn'] }));
    const tracker = new ProgressTracker(jobs, () => now);
    tracker.startJob(0);
    expect(
      tracker.update({ phase: 'train', fraction: 0.01, detail: '' }).etaSeconds,
    ).toBeUndefined();
    now = 10_000;
    const half = tracker.update({ phase: 'train', fraction: 0.5, detail: '' });
    expect(half.jobEtaSeconds).toBeCloseTo(10);
    const share =
      (0.5 * jobs[0].expectedSeconds) / (jobs[0].expectedSeconds + jobs[1].expectedSeconds);
    expect(half.overall).toBeCloseTo(share);
    expect(half.etaSeconds).toBeCloseTo((10 * (1 - share)) / share);
    tracker.startJob(1);
    now = 20_000;
    const second = tracker.update({ phase: 'train', fraction: 0, detail: '' });
    expect(second).toMatchObject({ index: 1, jobs: 2, elapsedSeconds: 20 });
    expect(second.job.baseline).toBe('tfjs-cnn');
  });

  it('never puts the whole comparison closer to its end than the running job', () => {
    let now = 0;
    const jobs = planJobs(resolveSettings({ baselines: ['tfjs-mlp', 'brain-mlp'] }));
    const tracker = new ProgressTracker(jobs, () => now);
    tracker.startJob(0);
    now = 10_000;
    tracker.update({ phase: 'done', fraction: 1, detail: '' });
    tracker.startJob(1);
    // The last job runs at a tenth of the pace its weight assumes: a fifth of it took twice its
    // expected seconds, so four times that is left, and nothing after it.
    const expected = jobs[1].expectedSeconds;
    now = 10_000 + 2_000 * expected;
    const slow = tracker.update({ phase: 'train', fraction: 0.2, detail: '' });
    expect(slow.jobEtaSeconds).toBeCloseTo(8 * expected);
    expect(slow.etaSeconds).toBeCloseTo(8 * expected);
  });

  it('formats durations', () => {
    expect(formatDuration(undefined)).toBe('?');
    expect(formatDuration(8.4)).toBe('8s');
    expect(formatDuration(75)).toBe('1m15s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3h02m');
  });
});
