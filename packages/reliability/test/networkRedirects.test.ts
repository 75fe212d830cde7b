// Network faults (core): redirect loops, and redirects to another host serving the right or a wrong file.
import { afterAll, beforeAll, expect } from 'vitest';
import {
  FIXTURE_NAMES,
  fixtureDataset,
  fixtureRoutes,
  loadFromMirrors,
  type OtherHost,
  rejection,
  startOtherHost,
  useMirrorLoads,
} from '../src/index.ts';

const net = useMirrorLoads(fixtureDataset('rel-net', { count: 200, seed: 3 }), {
  category: 'network (core)',
});
const { body, expectFailed, expectRecovered, fx, load, loadCase, mirror, server } = net;
const IMAGES = FIXTURE_NAMES.trainImages;

let other: OtherHost;
beforeAll(async () => {
  other = await startOtherHost('127.0.0.2');
});
afterAll(async () => {
  await other.close();
});

loadCase(
  'redirect loop, only mirror',
  'DOWNLOAD_FAILED after one attempt (loop not retried)',
  async (ctx) => {
    const folder = net.folder();
    server.mirror(folder, fixtureRoutes(fx));
    server.route(`/${folder}/${IMAGES}`, {
      kind: 'redirect',
      location: `/${folder}/b/${IMAGES}`,
    });
    server.route(`/${folder}/b/${IMAGES}`, {
      kind: 'redirect',
      location: `/${folder}/${IMAGES}`,
    });
    const error = await rejection(
      loadFromMirrors(ctx.cacheDir, fx.descriptor, [server.url(`/${folder}/`)]),
    );
    expect(error.code).toBe('DOWNLOAD_FAILED');
    expect((error.details.attempts as unknown[]).length).toBe(1);
    // fetch gives up after 20 redirects: about 10 requests to each end of the loop.
    const requests = server.requests(`/${folder}/${IMAGES}`);
    expect(requests).toBeLessThanOrEqual(11);
    ctx.facts.requests = requests;
    return 'DOWNLOAD_FAILED after one attempt (loop not retried)';
  },
);

loadCase('redirect loop, next mirror', 'recovered (next mirror)', async (ctx) => {
  const folder = net.folder();
  server.mirror(folder, fixtureRoutes(fx));
  server.route(`/${folder}/${IMAGES}`, { kind: 'redirect', location: `/${folder}/${IMAGES}` });
  const b = mirror();
  expectRecovered(ctx, await load(ctx, [server.url(`/${folder}/`), b.url]));
  return 'recovered (next mirror)';
});

loadCase(
  'redirect to another host (127.0.0.2) serving the right file',
  'recovered (redirect followed, sha256 checked)',
  async (ctx) => {
    other.serve(body);
    const path = `/cross-ok/${IMAGES}`;
    const a = mirror({ kind: 'redirect', location: `${other.baseUrl}cross-ok/${IMAGES}` });
    expectRecovered(ctx, await load(ctx, [a.url]));
    expect(other.requests(path)).toBe(1);
    return 'recovered (redirect followed, sha256 checked)';
  },
);

loadCase(
  'redirect to another host (127.0.0.2) serving a wrong file',
  'CHECKSUM_MISMATCH (attempts: CHECKSUM_MISMATCH)',
  async (ctx) => {
    const wrong = fixtureDataset('other', { count: 200, seed: 4 }).files[IMAGES];
    other.serve(wrong);
    const a = mirror({ kind: 'redirect', location: `${other.baseUrl}cross-bad/${IMAGES}` });
    return expectFailed(ctx, await load(ctx, [a.url]), 'CHECKSUM_MISMATCH');
  },
);
