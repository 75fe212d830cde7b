// "Same data", checked: one sha256 of a split's images and labels (Node and page alike), and the check across jobs.
import type { DatasetSplit } from '@fmnist/core';
import { sha256Hex } from '@fmnist-examples/baseline-kit';
import type { JobSpec } from './plan.ts';
import type { CompareReport } from './report.ts';
import type { JobOutcome } from './runJob.ts';

/**
 * sha256 of a split's images followed by its labels: equal fingerprints mean the same samples in
 * the same order. Web Crypto (the kit's `sha256Hex`), so Node and a page (a secure context)
 * compute the same hex for the same prefix, and a merged report can compare runs of both.
 */
export async function splitFingerprint(split: DatasetSplit): Promise<string> {
  const bytes = new Uint8Array(split.images.length + split.labels.length);
  bytes.set(split.images, 0);
  bytes.set(split.labels, split.images.length);
  return sha256Hex(bytes);
}

/** Whether this platform can fingerprint (a page outside a secure context has no `crypto.subtle`). */
export function canFingerprint(): boolean {
  return typeof globalThis.crypto?.subtle?.digest === 'function';
}

/**
 * Adds one job's fingerprints to a report's `data`, and throws when they disagree with the jobs
 * before it: every job of a dataset must have tested on the same images, and every training job
 * trained on the same images. The comparison checks this rather than trusting the plan.
 */
export function recordJobData(
  data: CompareReport['data'],
  job: Pick<JobSpec, 'id' | 'dataset'>,
  seen: NonNullable<JobOutcome['data']>,
): void {
  const known = data[job.dataset];
  if (!known) {
    data[job.dataset] = { ...seen };
    return;
  }
  if (known.test !== seen.test)
    throw new Error(`${job.id} tested on other images than the jobs before it`);
  if (seen.train !== null) {
    if (known.train === null) known.train = seen.train;
    else if (known.train !== seen.train) {
      throw new Error(`${job.id} trained on other images than the jobs before it`);
    }
  }
}
