// In-process checks of the small pieces the commands are built from.
import { FmnistError, fashionMnist, mnist } from '@fmnist/core';
import { describe, expect, it } from 'vitest';
import { resolveClass, sanitizeClassName } from '../src/classes.ts';
import { ExitCode, exitCodeFor } from '../src/errors.ts';
import { drawText, glyphPixel, textWidth } from '../src/font.ts';
import { npyHeader } from '../src/npy.ts';
import { ansi256Gray } from '../src/show.ts';

describe('npyHeader', () => {
  it('writes a v1.0 header padded to 64 bytes', () => {
    for (const shape of [[0], [1], [60000, 28, 28], [10000], [3, 4]]) {
      const header = npyHeader(shape);
      expect(header.length % 64).toBe(0);
      expect(Array.from(header.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      expect(header[8] | (header[9] << 8)).toBe(header.length - 10);
      const text = new TextDecoder().decode(header.subarray(10));
      expect(text.endsWith('\n')).toBe(true);
      const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
      expect(text.trimEnd()).toBe(`{'descr': '|u1', 'fortran_order': False, 'shape': ${tuple}, }`);
    }
  });

  it('rejects dimensions that are not sizes', () => {
    expect(() => npyHeader([-1])).toThrow(RangeError);
    expect(() => npyHeader([1.5])).toThrow(RangeError);
  });
});

describe('class names', () => {
  it('are made safe as folder names', () => {
    expect(sanitizeClassName('T-shirt/top')).toBe('T-shirt_top');
    expect(sanitizeClassName('Ankle boot')).toBe('Ankle_boot');
    expect(sanitizeClassName('..')).toBe('_..');
    expect(sanitizeClassName('')).toBe('_');
    expect(sanitizeClassName('a\\b:c')).toBe('a_b_c');
  });

  it('resolve from ids, names in any case and folder names', () => {
    expect(resolveClass(fashionMnist, '7')).toBe(7);
    expect(resolveClass(fashionMnist, 'Sneaker')).toBe(7);
    expect(resolveClass(fashionMnist, 'ankle boot')).toBe(9);
    expect(resolveClass(fashionMnist, 't-shirt_top')).toBe(0);
    expect(resolveClass(mnist, '3')).toBe(3);
    expect(() => resolveClass(fashionMnist, '10')).toThrow(/Unknown class "10"/);
  });
});

describe('font', () => {
  it('has a glyph for every printable ASCII character used in class names', () => {
    for (const name of [...fashionMnist.classNames, ...mnist.classNames]) {
      for (const ch of name) {
        if (ch === ' ') continue;
        let lit = 0;
        for (let c = 0; c < 5; c++) for (let r = 0; r < 8; r++) if (glyphPixel(ch, c, r)) lit++;
        expect(lit, `glyph ${ch}`).toBeGreaterThan(0);
      }
    }
  });

  it('draws text clipped to the buffer', () => {
    const width = 20;
    const rgba = new Uint8Array(width * 10 * 4);
    drawText(rgba, width, 0, 0, 'Bag', [255, 255, 255]);
    expect(textWidth('Bag')).toBe(17);
    let lit = 0;
    for (let i = 0; i < rgba.length; i += 4) if (rgba[i] === 255) lit++;
    expect(lit).toBeGreaterThan(20);
    expect(() => drawText(rgba, width, 15, 5, 'Ankle boot', [255, 255, 255], 2)).not.toThrow();
  });
});

describe('exit codes', () => {
  it('map core error codes to the documented exit codes', () => {
    const code = (c: ConstructorParameters<typeof FmnistError>[0]) =>
      exitCodeFor(new FmnistError(c, 'x'));
    expect(code('UNKNOWN_DATASET')).toBe(ExitCode.USAGE);
    expect(code('INVALID_ARGUMENT')).toBe(ExitCode.USAGE);
    expect(code('CHECKSUM_MISMATCH')).toBe(ExitCode.DATA);
    expect(code('INVALID_IDX')).toBe(ExitCode.DATA);
    expect(code('NOT_FOUND')).toBe(ExitCode.DATA);
    expect(code('DOWNLOAD_FAILED')).toBe(ExitCode.DOWNLOAD);
    expect(code('TIMEOUT')).toBe(ExitCode.DOWNLOAD);
    expect(code('ABORTED')).toBe(ExitCode.INTERRUPTED);
    expect(code('CACHE_IO')).toBe(ExitCode.FAILURE);
    expect(exitCodeFor(new Error('boom'))).toBe(ExitCode.FAILURE);
  });
});

describe('show colours', () => {
  it('map gray levels onto black, the 24-step ramp and white', () => {
    expect(ansi256Gray(0)).toBe(16);
    expect(ansi256Gray(255)).toBe(231);
    expect(ansi256Gray(128)).toBeGreaterThanOrEqual(232);
    expect(ansi256Gray(128)).toBeLessThanOrEqual(255);
  });
});
