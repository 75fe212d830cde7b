// loadInWorker in Chromium behind vite dev and vite preview (the built worker): the split arrives by transfer, and the main thread's longest task during a load with and without the worker, measured in one run.
import { describe, expect, it } from 'vitest';
import { descriptor, test as fixture } from './loadFixtures.ts';
import {
  FIXTURE_FILES,
  inPage,
  openPage,
  realFiles,
  useSiteServer,
  useViteSite,
} from './viteSite.ts';

const site = useViteSite({ fixture: FIXTURE_FILES, data: realFiles() });

describe.each(['dev', 'preview'] as const)('loadInWorker behind vite %s', (kind) => {
  const server = useSiteServer(site, kind);

  it('loads the fixture in a worker and receives its buffers by transfer', async () => {
    await inPage(site, server, async ({ page, errors }) => {
      const result = await page.evaluate(async (dataset) => {
        const { loadInWorker, isFmnistError } = window.core;
        const reports: unknown[] = [];
        const phases = new Set<string>();
        const split = await loadInWorker({
          dataset,
          split: 'test',
          mirrors: ['./fixture/'],
          cache: false,
          onProgress: (p) => phases.add(p.phase ?? ''),
          onTransferred: (r) => reports.push(r),
        });
        const both = await loadInWorker({
          dataset,
          split: ['test[:50%]', 'test[50%:]'],
          mirrors: ['./fixture/'],
          cache: false,
          onTransferred: (r) => reports.push(r),
        });
        let missing: string | undefined;
        try {
          await loadInWorker({
            dataset,
            split: 'test',
            mirrors: ['./nothing/'],
            cache: false,
            retries: 0,
          });
        } catch (e) {
          missing = isFmnistError(e) ? e.code : String(e);
        }
        return {
          count: split.count,
          labels: Array.from(split.labels),
          isUint8: split.images instanceof Uint8Array,
          phases: [...phases].sort(),
          halves: [both['test[:50%]'].count, both['test[50%:]'].count],
          reports,
          missing,
        };
      }, descriptor('fixture-ds'));
      expect(errors).toEqual([]);
      expect(result.count).toBe(20);
      expect(result.isUint8).toBe(true);
      expect(result.labels).toEqual(Array.from(fixture.labels));
      expect(result.phases).toEqual(['decode', 'download', 'verify']);
      expect(result.halves).toEqual([10, 10]);
      // Moved, not copied: the worker's buffers were detached once posted.
      expect(result.reports).toHaveLength(2);
      for (const report of result.reports) {
        expect(report).toMatchObject({ detachedInWorker: true });
        expect((report as { bytes: number }).bytes).toBeGreaterThanOrEqual(fixture.images.length);
      }
      // Vite answers a missing file with its index.html (SPA fallback): the error crosses over
      // from the worker with its code.
      expect(result.missing).toBe('CHECKSUM_MISMATCH');
    });
  }, 120_000);
});

describe('the main thread during a load', () => {
  it('has a shorter longest task with loadInWorker than with loadDataset (real train split)', async () => {
    const server = await site.preview();
    const { context, page } = await openPage(site.browser, server.url);
    try {
      const result = await page.evaluate(async (dataset) => {
        const { loadDataset, loadInWorker } = window.core;
        /** Longest long task and largest event-loop gap on this thread while `run` runs. */
        const measure = async (run: () => Promise<unknown>) => {
          const tasks: number[] = [];
          // Long-task entries arrive asynchronously, later on a loaded machine. The wait for them
          // ends on an event: a deliberate marker task after the load, whose entry arrives after
          // every earlier one (entries with a startTime from `markerFrom` on are the marker's).
          let markerFrom = Number.POSITIVE_INFINITY;
          let markerSeen = () => {};
          const marked = new Promise<void>((resolve) => {
            markerSeen = resolve;
          });
          const observer = new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) {
              if (entry.startTime >= markerFrom) markerSeen();
              else tasks.push(entry.duration);
            }
          });
          observer.observe({ type: 'longtask' });
          let maxGap = 0;
          let last = performance.now();
          let running = true;
          const tick = () => {
            if (!running) return;
            const now = performance.now();
            maxGap = Math.max(maxGap, now - last);
            last = now;
            setTimeout(tick, 0);
          };
          setTimeout(tick, 0);
          await run();
          running = false;
          markerFrom = performance.now();
          setTimeout(() => {
            const start = performance.now();
            while (performance.now() - start < 80) {
              // Busy on purpose: a task over the 50 ms long-task threshold.
            }
          }, 0);
          await marked;
          observer.disconnect();
          return { longestTask: Math.max(0, ...tasks), longTasks: tasks.length, maxGap };
        };
        // Warm both paths up on the fixture, so neither pays for first-time compilation.
        await loadDataset({ dataset, split: 'test', mirrors: ['./fixture/'], cache: false });
        await loadInWorker({ dataset, split: 'test', mirrors: ['./fixture/'], cache: false });
        let mainCount = 0;
        let workerCount = 0;
        const main = await measure(async () => {
          mainCount = (await loadDataset({ split: 'train', mirrors: ['/data/'], cache: false }))
            .count;
        });
        const worker = await measure(async () => {
          workerCount = (await loadInWorker({ split: 'train', mirrors: ['/data/'], cache: false }))
            .count;
        });
        // The page's signal reaches the worker: the load stops there with ABORTED.
        const controller = new AbortController();
        const aborted = await loadInWorker({
          split: 'train',
          mirrors: ['/data/'],
          cache: false,
          signal: controller.signal,
          onProgress: () => controller.abort(),
        }).then(
          () => 'loaded',
          (e: { code?: string }) => e.code,
        );
        return { main, worker, mainCount, workerCount, aborted };
      }, descriptor('fixture-ds'));
      console.log(
        `longest main-thread task loading the train split: loadDataset ${result.main.longestTask.toFixed(0)} ms ` +
          `(${result.main.longTasks} long tasks, largest event-loop gap ${result.main.maxGap.toFixed(0)} ms), ` +
          `loadInWorker ${result.worker.longestTask.toFixed(0)} ms (${result.worker.longTasks} long tasks, ` +
          `largest gap ${result.worker.maxGap.toFixed(0)} ms)`,
      );
      expect(result.mainCount).toBe(60000);
      expect(result.workerCount).toBe(60000);
      expect(result.aborted).toBe('ABORTED');
      expect(result.main.longestTask).toBeGreaterThan(0);
      expect(result.worker.longestTask).toBeLessThan(result.main.longestTask);
    } finally {
      await context.close();
      await server.close();
    }
  }, 300_000);
});
