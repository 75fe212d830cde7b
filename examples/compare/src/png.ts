// SVG chart -> PNG with resvg, in Node.
import { Resvg } from '@resvg/resvg-js';

/**
 * Rasterises an SVG chart to PNG with resvg (no browser). Text is drawn with the machine's own
 * fonts: the charts ask for Helvetica/Arial first, then Liberation Sans and DejaVu Sans (what a
 * Linux machine usually has), and anything else falls back to `defaultFont`.
 */
export function svgToPng(
  svg: string,
  options: { scale?: number; defaultFont?: string } = {},
): Uint8Array {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: {
      loadSystemFonts: true,
      defaultFontFamily: options.defaultFont ?? 'DejaVu Sans',
      sansSerifFamily: options.defaultFont ?? 'DejaVu Sans',
    },
  });
  return new Uint8Array(resvg.render().asPng());
}
