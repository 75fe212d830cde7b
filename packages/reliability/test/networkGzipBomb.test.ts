// Network faults (core), gzip bombs: a body whose published sha256 matches but which inflates to 256 MiB, through loadDataset with an fsCache; it must stop early, with bounded memory.
import v8 from 'node:v8';
import { gzipSync } from 'node:zlib';
import { idxHeader } from '@fmnist/test-utils';
import { expect, it } from 'vitest';
import {
  FIXTURE_NAMES,
  fixtureDataset,
  loadFromMirrors,
  rejection,
  runCase,
  sha256,
  useMirrorLoads,
} from '../src/index.ts';

const IMAGES = FIXTURE_NAMES.trainImages;
// The server of the file; its own fixture is not served here: each bomb dataset is.
const { server } = useMirrorLoads(fixtureDataset('rel-net', { count: 200, seed: 3 }), {
  category: 'network (core)',
});

// A gzip bomb: an IDX header claiming 342,392 images, then 256 MiB of zeros, in 257 gzip
// members (concatenated members are one valid gzip file). About 260 kB on the wire.
const ZEROS_MIB = 16;
const zerosMember = new Uint8Array(gzipSync(new Uint8Array(ZEROS_MIB * 1024 * 1024), { level: 9 }));
const bombMembers = 16;
const bomb = (() => {
  const header = new Uint8Array(
    gzipSync(idxHeader({ typeCode: 0x08, dims: [342_392, 28, 28] }), { level: 9 }),
  );
  const out = new Uint8Array(header.length + bombMembers * zerosMember.length);
  out.set(header);
  for (let i = 0; i < bombMembers; i++)
    out.set(zerosMember, header.length + i * zerosMember.length);
  return out;
})();
const bombInflatedMiB = bombMembers * ZEROS_MIB;

function bombDataset(id: string, withRaw: boolean) {
  const base = fixtureDataset(id, { count: 200, seed: 3, withRaw });
  const descriptor = {
    ...base.descriptor,
    files: {
      ...base.descriptor.files,
      // The descriptor's author published the bomb's own sha256, so verification passes.
      trainImages: {
        name: IMAGES,
        bytes: bomb.length,
        sha256: sha256(bomb),
        ...(withRaw ? { rawBytes: 16 + 200 * 784 } : {}),
      },
    },
  };
  return { descriptor, files: { ...base.files, [IMAGES]: bomb } };
}

for (const withRaw of [true, false]) {
  const label = withRaw
    ? 'gzip bomb with a matching sha256 (descriptor has rawBytes)'
    : 'gzip bomb with a matching sha256 (descriptor without rawBytes)';
  const ds = bombDataset(withRaw ? 'rel-bomb-raw' : 'rel-bomb', withRaw);
  it(label, () =>
    runCase(
      {
        category: 'network (core)',
        name: label,
        expected: 'INVALID_GZIP, stopped early (< 64 MB memory growth)',
        descriptors: [ds.descriptor],
        noTemp: true,
      },
      async (ctx) => {
        const folder = `bomb-${withRaw ? 'raw' : 'plain'}`;
        const url = server.mirror(
          folder,
          Object.fromEntries(
            Object.entries(ds.files).map(([name, bytes]) => [name, { kind: 'bytes', body: bytes }]),
          ),
        );
        const rssBefore = process.resourceUsage().maxRSS;
        const externalBefore = v8.getHeapStatistics().external_memory;
        const error = await rejection(loadFromMirrors(ctx.cacheDir, ds.descriptor, [url]));
        const rssGrowthMB = (process.resourceUsage().maxRSS - rssBefore) / 1024;
        const externalGrowthMB =
          (v8.getHeapStatistics().external_memory - externalBefore) / 1024 / 1024;
        expect(error.code, error.message).toBe('INVALID_GZIP');
        expect(rssGrowthMB).toBeLessThan(64);
        expect(externalGrowthMB).toBeLessThan(64);
        ctx.facts.compressedKB = Math.round(bomb.length / 1024);
        ctx.facts.inflatesToMiB = bombInflatedMiB;
        ctx.facts.peakRssGrowthMB = Math.round(rssGrowthMB);
        return `INVALID_GZIP, stopped early (${error.message.split('\n')[0]})`;
      },
    ),
  );
}
