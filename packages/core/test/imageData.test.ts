// toImageData in Node (plain RGBA pixels) and drawGrid against a recording canvas: pixel values, scaling, captions and layout.
import { type DatasetSplit, drawGrid, isFmnistError, toImageData } from '@fmnist/core';
import { describe, expect, it } from 'vitest';

const split: DatasetSplit = {
  dataset: 'fashion-mnist',
  split: 'test',
  images: Uint8Array.from({ length: 3 * 4 }, (_, i) => i * 20),
  labels: Uint8Array.from([2, 0, 1]),
  count: 3,
  imageShape: [2, 2],
  classNames: ['zero', 'one', 'two'],
};

describe('toImageData', () => {
  it('gives opaque grey RGBA, dark ink on white by default', () => {
    const image = toImageData(split, 1);
    expect([image.width, image.height]).toEqual([2, 2]);
    expect(Array.from(image.data.slice(0, 8))).toEqual([175, 175, 175, 255, 155, 155, 155, 255]);
    const raw = toImageData(split, 1, { invert: false });
    expect(raw.data[0]).toBe(80);
  });

  it('scales each pixel to a square', () => {
    const image = toImageData(split, 0, { scale: 2, invert: false });
    expect([image.width, image.height]).toEqual([4, 4]);
    const grey = Array.from({ length: 16 }, (_, p) => image.data[p * 4]);
    expect(grey).toEqual([0, 0, 20, 20, 0, 0, 20, 20, 40, 40, 60, 60, 40, 40, 60, 60]);
  });

  it('refuses an index outside the split and a bad scale', () => {
    for (const call of [() => toImageData(split, 3), () => toImageData(split, 0, { scale: 0 })]) {
      let caught: unknown;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      expect(isFmnistError(caught, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});

describe('drawGrid', () => {
  it('sizes the canvas, puts each image and writes its class name', () => {
    const calls: string[] = [];
    const ctx = {
      fillStyle: '',
      font: '',
      textAlign: '',
      textBaseline: '',
      fillRect: () => {},
      putImageData: (image: ImageData, x: number, y: number) =>
        calls.push(`image ${image.width}x${image.height} at ${x},${y}`),
      fillText: (text: string) => calls.push(`text ${text}`),
    };
    const canvas = { width: 0, height: 0, getContext: () => ctx as never };
    const layout = drawGrid(canvas, split, { columns: 2, scale: 1, gap: 0 });
    expect(layout.cells.map((c) => c.caption)).toEqual(['two', 'zero', 'one']);
    expect([canvas.width, canvas.height]).toEqual([layout.width, layout.height]);
    expect(layout.width).toBe(2 * 64);
    expect(layout.height).toBe(2 * (2 + 14));
    expect(calls.filter((c) => c.startsWith('image'))).toHaveLength(3);
    expect(calls).toContain('text two');
  });
});
