// The README's first command, until the cross-framework comparison takes over: fetch (or find) the
// data, load both splits and print what was loaded, so a new user sees the library work end to end.
import { getDataset, loadDataset, type Split } from '@fmnist/core/node';

const datasetId = process.argv.includes('--dataset')
  ? process.argv[process.argv.indexOf('--dataset') + 1]
  : 'fashion-mnist';
const descriptor = getDataset(datasetId);

console.log(`fmnist: loading ${descriptor.title} (${descriptor.homepage ?? descriptor.id})`);
for (const split of ['train', 'test'] as Split[]) {
  const started = performance.now();
  let lastReport = 0;
  const data = await loadDataset({
    dataset: descriptor,
    split,
    onProgress: (p) => {
      // One line per finished phase, and a heartbeat each second while a download runs.
      const done = p.total !== undefined && p.loaded >= p.total;
      const now = performance.now();
      if (!done && (p.phase !== 'download' || now - lastReport < 1000)) return;
      lastReport = now;
      const pct = p.total ? ` ${((100 * p.loaded) / p.total).toFixed(0)}%` : '';
      console.log(`  ${p.phase ?? 'download'} ${p.file}${pct} (${p.url})`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const perClass = new Array<number>(descriptor.classNames.length).fill(0);
  for (const label of data.labels) perClass[label]++;
  let sum = 0;
  let sumSq = 0;
  for (const v of data.images) {
    sum += v;
    sumSq += v * v;
  }
  const n = data.images.length;
  const mean = sum / n / 255;
  const std = Math.sqrt(sumSq / n / 65025 - mean * mean);
  console.log(
    `${split}: ${data.count} images of ${data.imageShape.join('x')} in ${seconds.toFixed(2)} s, ` +
      `pixel mean ${mean.toFixed(4)} std ${std.toFixed(4)}`,
  );
  console.log(
    `  per class: ${descriptor.classNames.map((name, i) => `${name} ${perClass[i]}`).join(', ')}`,
  );
  console.log(`  first labels: ${Array.from(data.labels.subarray(0, 10)).join(' ')}`);
}
