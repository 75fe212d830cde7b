// Shape arithmetic of the exporter: element counts, kernel/stride pairs and 'valid'/'same' windows.
import { fail } from './fail.ts';

/** Number of elements of a shape (1 for `[]`). */
export function product(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

/** A Keras `int | [int, int]` (or `[int]`) config value as a pair. */
export function pair(value: unknown, name: string): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    return [value[0], value[1]];
  }
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'number') {
    return [value[0], value[0]];
  }
  return fail(`${name} must be a number or a pair of numbers, got ${JSON.stringify(value)}.`);
}

/** Explicit ONNX pads and output size for a tfjs 'valid' or 'same' window along one axis. */
export function window1d(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
  padding: string,
): { before: number; after: number; out: number } {
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'valid') {
    const out = Math.floor((size - effective) / stride) + 1;
    if (out < 1) fail(`a window of ${effective} does not fit an input of ${size}.`);
    return { before: 0, after: 0, out };
  }
  if (padding === 'same') {
    // TensorFlow puts the odd padding element after (bottom/right): ONNX's SAME_UPPER, written
    // out explicitly so runtimes need no auto_pad support.
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + effective - size, 0);
    const before = Math.floor(total / 2);
    return { before, after: total - before, out };
  }
  return fail(`padding '${padding}' is not supported ('valid' or 'same').`);
}
