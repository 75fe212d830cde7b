// Result files as text: the two JSON layouts the baselines write.

/**
 * A baseline result as JSON: two-space indented, but with each row of numbers on one line (the
 * confusion matrix stays readable as a 10x10 grid).
 */
export function formatResult(result: object): string {
  const json = JSON.stringify(result, null, 2).replace(
    /\[\s+(-?[\d.eE+-]+(?:,\s+-?[\d.eE+-]+)*)\s+\]/g,
    (_, inner: string) => `[${inner.split(/,\s+/).join(', ')}]`,
  );
  return `${json}\n`;
}

/**
 * JSON as the repository's formatter (biome, line width 100) prints it: two-space indentation,
 * with arrays of plain values on one line when that line fits, so regenerated metadata files
 * pass the lint unchanged.
 */
export function formatJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2);
  const collapsed = text.replace(
    /^( *)([^\n[]*)\[\n((?: *(?:"(?:[^"\\]|\\.)*"|-?[\d.eE+-]+|true|false|null),?\n)+) *\]/gm,
    (whole, indent: string, head: string, body: string) => {
      const items = body
        .split('\n')
        .map((line) => line.trim().replace(/,$/, ''))
        .filter(Boolean);
      const line = `${indent}${head}[${items.join(', ')}]`;
      return line.length + 1 <= 100 ? line : whole;
    },
  );
  return `${collapsed}\n`;
}
