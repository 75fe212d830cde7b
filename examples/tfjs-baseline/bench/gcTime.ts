// V8 garbage-collection time inside given intervals of a measurement (from Node's `gc` performance entries).
import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';

/**
 * Records V8's garbage collections from now until `stop()`, which returns their spans for
 * {@link overlapMs}.
 *
 * Why the bench needs it: the dataset iterator yields to the event loop (core's `batchesAsync`,
 * every `yieldEveryMs`), and V8 runs its scheduled young-generation collections ("task"
 * scavenges, 1-2 ms each) in exactly those turns. They collect the whole program's garbage (most
 * of it tfjs's tensors and tape), and without the yield they would run inside the training step
 * instead ("allocation failure"), so counting them as data-path time would blame fmnist for work
 * that moves, not work it adds.
 */
export function recordGc(): {
  /** Stops recording and returns the collections' [start, end] times (performance.now() clock). */
  stop(): [number, number][];
} {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      entries.push(...observer.takeRecords());
      observer.disconnect();
      return entries
        .map((e): [number, number] => [e.startTime, e.startTime + e.duration])
        .sort((a, b) => a[0] - b[0]);
    },
  };
}

/**
 * Milliseconds of `spans` (sorted, disjoint) that lie inside `intervals` (sorted, disjoint, flat
 * `[start0, end0, start1, end1, ...]`).
 */
export function overlapMs(spans: [number, number][], intervals: number[]): number {
  let total = 0;
  let i = 0;
  for (const [start, end] of spans) {
    while (i < intervals.length && intervals[i + 1] <= start) i += 2;
    for (let j = i; j < intervals.length && intervals[j] < end; j += 2) {
      total += Math.max(0, Math.min(end, intervals[j + 1]) - Math.max(start, intervals[j]));
    }
  }
  return total;
}
