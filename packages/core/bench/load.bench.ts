// `pnpm bench` for @fmnist/core: time and peak memory of loading the four Fashion-MNIST files
// from .gz, against a naive floor (zlib.gunzipSync plus one loop) producing the same output.
//
// Each variant runs in a fresh child process so that its peak RSS is its own (a process's maxRSS
// never goes down); this parent prints the table and the ratios. Timings exclude process start.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  fashionMnist,
  loadDataset,
  nodeGunzip,
  nodeSha256,
  parseIdx,
  toFloat32,
} from '@fmnist/core/node';

type Variant = 'core-uint8' | 'core-float32' | 'floor-uint8' | 'floor-float32';
interface Sample {
  variant: Variant;
  ms: number;
  peakRssMB: number;
  checksum: number;
}

const dataDir = path.resolve(
  process.env.FMNIST_DATA_DIR ??
    path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/fashion-mnist'),
);
const files = fashionMnist.files;

/** The naive floor: what a user writes by hand with zlib and a loop. */
function floor(float: boolean) {
  const out: { images: Uint8Array | Float32Array; labels: Uint8Array }[] = [];
  for (const [img, lab] of [
    [files.trainImages, files.trainLabels],
    [files.testImages, files.testLabels],
  ]) {
    const imgRaw = gunzipSync(readFileSync(path.join(dataDir, img.name)));
    const labRaw = gunzipSync(readFileSync(path.join(dataDir, lab.name)));
    const n = imgRaw.readUInt32BE(4) * imgRaw.readUInt32BE(8) * imgRaw.readUInt32BE(12);
    // Two tight loops rather than one with a branch, so the floor is as fast as a hand-written one.
    let images: Uint8Array | Float32Array;
    if (float) {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = imgRaw[16 + i] / 255;
      images = out;
    } else {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = imgRaw[16 + i];
      images = out;
    }
    out.push({ images, labels: new Uint8Array(labRaw.subarray(8)) });
  }
  return out;
}

async function core(float: boolean) {
  const [train, test] = await Promise.all(
    (['train', 'test'] as const).map((split) => loadDataset({ split, dataDir, cache: false })),
  );
  return [train, test].map((s) => ({
    images: float ? toFloat32(s.images, { normalize: 'scale' }) : s.images,
    labels: s.labels,
  }));
}

async function runChild(variant: Variant): Promise<Sample> {
  const started = performance.now();
  const result = variant.startsWith('core')
    ? await core(variant.endsWith('float32'))
    : floor(variant.endsWith('float32'));
  const ms = performance.now() - started;
  // A checksum over the output keeps the work from being optimised away and proves equal output.
  let checksum = 0;
  for (const part of result) {
    for (let i = 0; i < part.images.length; i += 997) checksum += part.images[i];
    checksum += part.labels.length;
  }
  return { variant, ms, peakRssMB: process.resourceUsage().maxRSS / 1024, checksum };
}

const childVariant = process.argv[2] as Variant | undefined;
if (childVariant) {
  process.stdout.write(JSON.stringify(await runChild(childVariant)));
} else {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const variants: Variant[] = ['floor-uint8', 'core-uint8', 'floor-float32', 'core-float32'];
  const samples = new Map<Variant, Sample[]>(variants.map((v) => [v, []]));
  const self = fileURLToPath(import.meta.url);
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) {
      const out = execFileSync(
        process.execPath,
        ['--conditions=@fmnist/source', '--import', 'tsx', self, variant],
        { encoding: 'utf8', env: { ...process.env } },
      );
      samples.get(variant)!.push(JSON.parse(out) as Sample);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const row = (v: Variant) => {
    const s = samples.get(v)!;
    return {
      ms: median(s.map((x) => x.ms)),
      mb: median(s.map((x) => x.peakRssMB)),
      sum: s[0].checksum,
    };
  };
  console.log(`Fashion-MNIST, 4 files from .gz in ${dataDir}; median of ${rounds} fresh processes`);
  console.log('variant          time ms   peak RSS MB   ratio to floor (time, memory)');
  for (const [coreV, floorV] of [
    ['core-uint8', 'floor-uint8'],
    ['core-float32', 'floor-float32'],
  ] as const) {
    const c = row(coreV);
    const f = row(floorV);
    if (Math.abs(c.sum - f.sum) > 1e-3 * Math.max(1, Math.abs(f.sum))) {
      throw new Error(`${coreV} and ${floorV} produced different output (${c.sum} vs ${f.sum})`);
    }
    console.log(
      `${floorV.padEnd(15)} ${f.ms.toFixed(0).padStart(8)} ${f.mb.toFixed(0).padStart(13)}`,
    );
    console.log(
      `${coreV.padEnd(15)} ${c.ms.toFixed(0).padStart(8)} ${c.mb.toFixed(0).padStart(13)}   ` +
        `${(c.ms / f.ms).toFixed(2)}x time, ${(c.mb / f.mb).toFixed(2)}x memory`,
    );
  }
}

if (!childVariant) {
  // Where the time goes, for the largest file (train images, 26 MB packed, 47 MB unpacked).
  const file = fashionMnist.files.trainImages;
  const gz = new Uint8Array(readFileSync(path.join(dataDir, file.name)));
  const time = async (label: string, fn: () => unknown) => {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await fn();
      runs.push(performance.now() - t);
    }
    console.log(
      `  ${label.padEnd(44)} ${Math.min(...runs)
        .toFixed(0)
        .padStart(6)} ms`,
    );
  };
  console.log('Where the time goes (train images, best of 3, in this process):');
  await time('sha256 of the .gz (verify before use)', () => nodeSha256(gz));
  await time('inflate with zlib into one exact buffer', () =>
    nodeGunzip(gz, { expectedBytes: file.rawBytes }),
  );
  await time('zlib.gunzipSync (the floor)', () => gunzipSync(gz));
  const raw = await nodeGunzip(gz, { expectedBytes: file.rawBytes });
  await time('parseIdx (zero-copy view)', () => parseIdx(raw));
  const pixels = parseIdx(raw).data as Uint8Array;
  await time('toFloat32 scale to [0,1]', () => toFloat32(pixels, { normalize: 'scale' }));
}
