// toFloat32 in headless Chromium: the wasm SIMD kernel runs on a page's main thread, a CSP without 'wasm-unsafe-eval' falls back to the JS tables, and every float has Node's bits.
import path from 'node:path';
import { type Float32Options, toFloat32 } from '@fmnist/core';
import { describe, expect, it } from 'vitest';
import { float32KernelFor } from '../src/transforms.ts';
import { inPage, useSiteServer, useViteSite } from './viteSite.ts';

/** The normalisations checked, and the pixels: every byte value, a length off the 16-pixel step. */
const MODES: Float32Options[] = [
  {},
  { normalize: 'none' },
  { normalize: 'standardize' },
  { normalize: 'standardize', mean: 0.3, std: 0.7 },
];
const LENGTH = 20_001;

const coreSrc = path.resolve(import.meta.dirname, '../src');
/** The site's page module: core, plus the internal switches of the wasm path (same module instances). */
const MAIN = `import * as core from '@fmnist/core';
import { float32KernelFor, toFloat32 } from '/@fs${coreSrc}/transforms.ts';
import { useFloat32Wasm } from '/@fs${coreSrc}/float32Simd.ts';
window.core = core;
window.runFloat32 = (modes, length) => {
  const images = Uint8Array.from({ length }, (_, i) => (i * 37 + (i >> 7)) & 255);
  return modes.map((options) => {
    const kernel = float32KernelFor(options);
    const bits = Array.from(new Uint32Array(core.toFloat32(images, options).buffer));
    useFloat32Wasm(false);
    const js = new Uint32Array(core.toFloat32(images, options).buffer);
    useFloat32Wasm(true);
    return {
      kernel,
      bits,
      firstJsDifference: bits.findIndex((b, i) => b !== js[i]),
      // the switches act on the toFloat32 that core exports, not on a second copy of the module
      sameModule: toFloat32 === core.toFloat32,
    };
  });
};
window.coreReady = true;
`;
/** The same page under a policy that allows the site's own scripts but not compiling WebAssembly. */
const CSP_PAGE = `<!doctype html>
<meta http-equiv="Content-Security-Policy" content="script-src 'self'">
<script type="module" src="/main.ts"></script>`;

const site = useViteSite({}, { modules: { 'main.ts': MAIN, 'csp.html': CSP_PAGE } });
const server = useSiteServer(site, 'dev');

type PageResult = {
  kernel: string;
  bits: number[];
  firstJsDifference: number;
  sameModule: boolean;
}[];

function runInPage(page: string): Promise<{ results: PageResult; errors: string[] }> {
  return inPage(site, { ...server, url: `${server.url}${page}` }, async ({ page, errors }) => {
    const results = await page.evaluate(
      ([modes, length]) =>
        (window as unknown as { runFloat32(m: unknown, l: number): PageResult }).runFloat32(
          modes,
          length,
        ),
      [MODES, LENGTH] as const,
    );
    return { results, errors };
  });
}

/** Node's bits for each mode (Node runs the wasm kernels too: toFloat32Wasm.test.ts). */
function nodeBits(): number[][] {
  const images = Uint8Array.from({ length: LENGTH }, (_, i) => (i * 37 + (i >> 7)) & 255);
  return MODES.map((options) => Array.from(new Uint32Array(toFloat32(images, options).buffer)));
}

describe('toFloat32 in headless Chromium', () => {
  it("runs the wasm kernels on the page's main thread, with Node's bits", async () => {
    const { results, errors } = await runInPage('');
    expect(errors).toEqual([]);
    expect(results.map((r) => r.kernel)).toEqual(MODES.map((o) => float32KernelFor(o)));
    expect(results.map((r) => r.kernel)).not.toContain('js');
    expect(results.map((r) => r.sameModule)).toEqual(MODES.map(() => true));
    expect(results.map((r) => r.firstJsDifference)).toEqual(MODES.map(() => -1));
    const expected = nodeBits();
    results.forEach((r, k) => {
      expect(r.bits.length).toBe(LENGTH);
      expect(
        r.bits.findIndex((b, i) => b !== expected[k][i]),
        JSON.stringify(MODES[k]),
      ).toBe(-1);
    });
  });

  it('falls back to the JS tables where the CSP forbids WebAssembly, with the same bits', async () => {
    const { results, errors } = await runInPage('csp.html');
    expect(errors).toEqual([]);
    expect(results.map((r) => r.kernel)).toEqual(MODES.map(() => 'js'));
    const expected = nodeBits();
    results.forEach((r, k) => {
      expect(
        r.bits.findIndex((b, i) => b !== expected[k][i]),
        JSON.stringify(MODES[k]),
      ).toBe(-1);
    });
  });
});
