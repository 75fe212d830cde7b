// `fmnist show INDEX`: one image drawn in the terminal with Unicode half blocks, and its label.
import type { DatasetSplit, Split } from '@fmnist/core/node';
import { Option } from 'commander';
import { defineCommand } from './command.ts';
import type { CommandContext } from './context.ts';
import { CliError, ExitCode } from './errors.ts';
import { loadSplit } from './load.ts';
import { type CommonOptions, integerArg, splitOption } from './options.ts';
import { resolveTarget } from './target.ts';

/** How `show` draws: 24-bit colour, the 256-colour grayscale ramp, or plain shading characters. */
export type DrawMode = 'truecolor' | 'ansi256' | 'plain';

const UPPER_HALF = '\u2580'; // ▀: foreground paints the top pixel, background the bottom one
const SHADES = [' ', '\u2591', '\u2592', '\u2593', '\u2588']; // ' ░▒▓█'
const RESET = '\x1b[0m';

/** The nearest xterm-256 colour for a gray level: 16 (black), 232-255 (the ramp) or 231 (white). */
export function ansi256Gray(v: number): number {
  const level = Math.round((v / 255) * 25);
  if (level === 0) return 16;
  if (level === 25) return 231;
  return 231 + level;
}

function color(mode: DrawMode, v: number, layer: 38 | 48): string {
  return mode === 'truecolor'
    ? `\x1b[${layer};2;${v};${v};${v}m`
    : `\x1b[${layer};5;${ansi256Gray(v)}m`;
}

/**
 * One image as terminal text. Colour modes pack two pixel rows into one line with `▀` (top pixel
 * as foreground, bottom as background), so a 28x28 image is 28 columns by 14 lines and looks
 * square in a normal terminal font. Plain mode uses the same geometry with a shading character
 * for the average of the two pixels.
 */
export function drawImage(split: DatasetSplit, index: number, mode: DrawMode): string {
  const [h, w] = split.imageShape;
  const base = index * h * w;
  const px = (y: number, x: number) => (y < h ? split.images[base + y * w + x] : 0);
  const lines: string[] = [];
  for (let y = 0; y < h; y += 2) {
    let line = '';
    for (let x = 0; x < w; x++) {
      const top = px(y, x);
      const bottom = px(y + 1, x);
      if (mode === 'plain') {
        line += SHADES[Math.round(((top + bottom) / 2 / 255) * (SHADES.length - 1))];
      } else {
        line += `${color(mode, top, 38)}${color(mode, bottom, 48)}${UPPER_HALF}`;
      }
    }
    lines.push(mode === 'plain' ? line.trimEnd() : `${line}${RESET}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Picks the drawing mode from `--color` and the environment (NO_COLOR, FORCE_COLOR, COLORTERM). */
export function drawMode(
  when: 'auto' | 'always' | 'never',
  ctx: Pick<CommandContext, 'stdout' | 'env'>,
): DrawMode {
  const env = ctx.env;
  let colored: boolean;
  if (when === 'always') colored = true;
  else if (when === 'never') colored = false;
  else if (env.NO_COLOR) colored = false;
  else if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') colored = true;
  else colored = ctx.stdout.isTTY === true && env.TERM !== 'dumb';
  if (!colored) return 'plain';
  return /truecolor|24bit/i.test(env.COLORTERM ?? '') ? 'truecolor' : 'ansi256';
}

/** `fmnist show INDEX`: one image drawn in the terminal, with its label. */
export const showCommand = defineCommand({
  name: 'show',
  description: 'draw one image in the terminal with Unicode half blocks, with its label',
  configure: (command) =>
    command
      .argument('<index>', 'image index within the split, from 0', integerArg(0))
      .addOption(splitOption('test'))
      .addOption(
        new Option(
          '--color <when>',
          'grayscale colours: auto (when stdout is a terminal), always, never',
        )
          .choices(['auto', 'always', 'never'])
          .default('auto'),
      ),
  run: async (
    options: CommonOptions & { split: Split; color: 'auto' | 'always' | 'never' },
    ctx,
    [index]: [number],
  ) => {
    const target = resolveTarget(options, ctx);
    const { split } = await loadSplit(target, options.split, ctx);
    if (index >= split.count) {
      throw new CliError(
        ExitCode.USAGE,
        `Index ${index} is out of range: the ${options.split} split has ${split.count} images (0 to ${split.count - 1}).`,
      );
    }
    const label = split.labels[index];
    ctx.stdout.write(drawImage(split, index, drawMode(options.color, ctx)));
    ctx.stdout.write(
      `${target.descriptor.id} ${options.split} #${index}: label ${label} (${split.classNames[label]})\n`,
    );
    return ExitCode.OK;
  },
});
