// The exit-code table and the CLI's words, in process: the README documents exactly the codes
// errors.ts defines (the reliability suite runs each one through the real binary), and core's
// option names in messages become the flags a person can pass.
import { readFileSync } from 'node:fs';
import { FmnistError, fashionMnist } from '@fmnist/core';
import { describe, expect, it } from 'vitest';
import { EXIT_CODE_TABLE, ExitCode, formatError, inCliWords } from '../src/errors.ts';
import { gridLayout, renderBand, renderGrid } from '../src/preview.ts';

describe('the exit-code table', () => {
  it('README.md lists exactly EXIT_CODE_TABLE, in order and in the same words', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Exit codes'));
    const rows = [...section.matchAll(/^\| (\d+) +\| (.+?) +\|$/gm)].map((m) => ({
      code: Number(m[1]),
      meaning: m[2],
    }));
    expect(rows).toEqual(EXIT_CODE_TABLE.map(({ code, meaning }) => ({ code, meaning })));
  });

  it('holds every ExitCode once', () => {
    expect(EXIT_CODE_TABLE.map((r) => r.code).sort((a, b) => a - b)).toEqual(
      Object.values(ExitCode).sort((a, b) => a - b),
    );
    expect(ExitCode.TERMINATED).toBe(143);
    expect(ExitCode.INTERRUPTED).toBe(130);
  });
});

describe("core's words become the CLI's", () => {
  it('option names and "cache: false" advice', () => {
    const cacheIo = new FmnistError(
      'CACHE_IO',
      'Could not create /x/y: ENOTDIR: not a directory. Set FMNIST_CACHE_DIR (or the cache option) to a writable directory, or pass cache: false.',
    );
    const line = formatError(cacheIo, false);
    expect(line).not.toMatch(/cache: false|the cache option/);
    expect(line).toContain('(or --cache-dir)');
    expect(line).toContain('--data-dir');
    expect(inCliWords('timeoutMs must be a number >= 1, got 0.')).toBe(
      '--timeout must be a number >= 1, got 0.',
    );
    expect(inCliWords('retryDelayMs must be a number >= 0.')).toBe(
      '--retry-delay must be a number >= 0.',
    );
    expect(inCliWords('retries must be a number >= 0.')).toBe('--retries must be a number >= 0.');
    expect(inCliWords('No data from http://h/x for 30000 ms.')).toBe(
      'No data from http://h/x for 30000 ms.',
    );
  });
});

describe('preview bands', () => {
  it('drawn band by band, any band height, equal the whole grid', () => {
    const count = 7;
    const images = new Uint8Array(count * 784).map((_, i) => (i * 37) % 256);
    const split = {
      split: 'test',
      count,
      images,
      labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
      imageShape: [28, 28],
      classNames: fashionMnist.classNames,
    } as unknown as Parameters<typeof renderGrid>[0];
    const indices = [0, 1, 2, 3, 4, 5, 6];
    const whole = renderGrid(split, indices, 2, 3);
    const layout = gridLayout(
      count,
      [28, 28],
      2,
      indices.map((i) => fashionMnist.classNames[i % 10]),
      3,
    );
    for (const lines of [1, 7, 64]) {
      const joined = new Uint8Array(layout.width * layout.height * 4);
      const band = new Uint8Array(layout.width * lines * 4);
      for (let y0 = 0; y0 < layout.height; y0 += lines) {
        renderBand(split, indices, layout, 2, y0, band);
        const n = Math.min(lines, layout.height - y0);
        joined.set(band.subarray(0, n * layout.width * 4), y0 * layout.width * 4);
      }
      expect(Buffer.from(joined).equals(Buffer.from(whole.rgba))).toBe(true);
    }
  });
});
