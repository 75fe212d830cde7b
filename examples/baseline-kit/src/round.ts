// Rounding of recorded figures: how many digits a result keeps.

/** `value` rounded to `digits` decimals (results keep seconds to 3, rates to 1). */
export function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
