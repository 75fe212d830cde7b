// The drawing pad: pointer strokes on a canvas, read back as one 28x28 image in the dataset's encoding.
import { type DatasetSplit, toImageData } from '@fmnist/core';

/** A canvas the user draws on in dark ink on white, as the grid shows the dataset. */
export interface DrawPad {
  /** Paints white. */
  clear(): void;
  /** Paints image `index` of `split`, scaled up: a drawing that is known to be right. */
  show(split: DatasetSplit, index: number): void;
  /** The drawing as `height x width` uint8 pixels, 0 = background, like `split.images`. */
  read(height: number, width: number): Uint8Array;
}

/** Makes `canvas` a pad: pointer strokes draw thick dark lines. */
export function drawPad(canvas: HTMLCanvasElement): DrawPad {
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  const clear = () => {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  let last: { x: number; y: number } | undefined;
  const at = (e: PointerEvent) => {
    const box = canvas.getBoundingClientRect();
    return {
      x: ((e.clientX - box.left) * canvas.width) / box.width,
      y: ((e.clientY - box.top) * canvas.height) / box.height,
    };
  };
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = at(e);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!last) return;
    const next = at(e);
    ctx.strokeStyle = '#000';
    ctx.lineWidth = canvas.width / 12;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(next.x, next.y);
    ctx.stroke();
    last = next;
  });
  const end = () => {
    last = undefined;
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  return {
    clear,
    show(split, index) {
      const scale = Math.floor(canvas.width / split.imageShape[1]);
      ctx.putImageData(toImageData(split, index, { scale }), 0, 0);
    },
    read(height, width) {
      // Each output pixel is the mean of its block, so an image painted by `show` reads back
      // exactly; then undo the white background (dark ink is a high stored value).
      const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      const bw = canvas.width / width;
      const bh = canvas.height / height;
      const out = new Uint8Array(width * height);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          let sum = 0;
          let n = 0;
          for (let yy = Math.floor(y * bh); yy < Math.floor((y + 1) * bh); yy++) {
            for (let xx = Math.floor(x * bw); xx < Math.floor((x + 1) * bw); xx++) {
              sum += rgba[(yy * canvas.width + xx) * 4];
              n++;
            }
          }
          out[y * width + x] = 255 - Math.round(sum / n);
        }
      }
      return out;
    },
  };
}
