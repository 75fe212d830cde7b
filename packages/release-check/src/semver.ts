// A small subset of node-semver: enough to check that the framework version a package is tested
// with lies inside the peer range it declares. Supports `||`, `>= > <= < =`, `^`, `~`, x-ranges
// and prerelease tags with node-semver's rule (a prerelease only matches a comparator that names
// a prerelease of the same major.minor.patch). Hyphen ranges (`1 - 2`) are reported as invalid.

/** A parsed version. */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: (string | number)[];
}

interface Comparator {
  op: '>=' | '>' | '<=' | '<' | '=';
  version: SemVer;
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const PARTIAL =
  /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Parses a full version (`1.2.3`, `2.0.0-beta.24`); `undefined` when it is not one. */
export function parseVersion(text: string): SemVer | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    prerelease: match[4]
      ? match[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id))
      : [],
  };
}

/** Semver precedence: negative, zero or positive like a sort comparator. */
export function compareVersions(a: SemVer, b: SemVer): number {
  const main = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (main !== 0) return main;
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return b.prerelease.length - a.prerelease.length;
  }
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

const v = (major: number, minor: number, patch: number, prerelease: (string | number)[] = []) => ({
  major,
  minor,
  patch,
  prerelease,
});

/** Turns one comparator of a range (`^4.1`, `>=4`, `1.x`) into plain comparators. */
function desugar(token: string): Comparator[] | undefined {
  const match = /^(\^|~|>=|<=|>|<|=)?\s*(.*)$/.exec(token);
  if (!match) return undefined;
  const op = match[1] ?? '';
  const parts = PARTIAL.exec(match[2]);
  if (!parts) return undefined;
  const wild = (part: string | undefined) => part === undefined || /^[xX*]$/.test(part);
  if (wild(parts[1])) {
    // `<*` and `>*` match nothing; everything else with a bare wildcard matches everything.
    return op === '<' || op === '>'
      ? [{ op: '<', version: v(0, 0, 0) }]
      : [{ op: '>=', version: v(0, 0, 0) }];
  }
  const major = Number(parts[1]);
  const minorWild = wild(parts[2]);
  const patchWild = minorWild || wild(parts[3]);
  const minor = minorWild ? 0 : Number(parts[2]);
  const patch = patchWild ? 0 : Number(parts[3]);
  const pre = parts[4] ? (parseVersion(`0.0.0-${parts[4]}`)?.prerelease ?? []) : [];
  const low = v(major, minor, patch, pre);
  // The first version past a partial: `4` -> 5.0.0, `4.1` -> 4.2.0.
  const next = minorWild ? v(major + 1, 0, 0) : patchWild ? v(major, minor + 1, 0) : undefined;
  switch (op) {
    case '^': {
      const upper =
        major > 0 || minorWild
          ? v(major + 1, 0, 0)
          : minor > 0 || patchWild
            ? v(0, minor + 1, 0)
            : v(0, 0, patch + 1);
      return [
        { op: '>=', version: low },
        { op: '<', version: upper },
      ];
    }
    case '~':
      return [
        { op: '>=', version: low },
        { op: '<', version: minorWild ? v(major + 1, 0, 0) : v(major, minor + 1, 0) },
      ];
    case '>=':
      return [{ op: '>=', version: low }];
    case '>':
      return [next ? { op: '>=', version: next } : { op: '>', version: low }];
    case '<':
      return [{ op: '<', version: low }];
    case '<=':
      return [next ? { op: '<', version: next } : { op: '<=', version: low }];
    default:
      return next
        ? [
            { op: '>=', version: low },
            { op: '<', version: next },
          ]
        : [{ op: '=', version: low }];
  }
}

/** Parses a range into comparator sets (OR of ANDs); `undefined` when it is not a range we read. */
export function parseRange(range: string): Comparator[][] | undefined {
  const sets: Comparator[][] = [];
  for (const alternative of range.split('||')) {
    // `>= 4` is written with a space sometimes: glue operators to their versions first.
    const tokens = alternative
      .trim()
      .replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    if (tokens.includes('-')) return undefined;
    const set: Comparator[] = [];
    for (const token of tokens.length > 0 ? tokens : ['*']) {
      const comparators = desugar(token);
      if (!comparators) return undefined;
      set.push(...comparators);
    }
    sets.push(set);
  }
  return sets;
}

function test(comparator: Comparator, version: SemVer): boolean {
  const order = compareVersions(version, comparator.version);
  switch (comparator.op) {
    case '>=':
      return order >= 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    case '<':
      return order < 0;
    default:
      return order === 0;
  }
}

/** True when `version` lies in `range`, with node-semver's prerelease rule. */
export function satisfies(version: string, range: string): boolean {
  const parsed = parseVersion(version);
  const sets = parseRange(range);
  if (!parsed || !sets) return false;
  return sets.some((set) => {
    if (!set.every((comparator) => test(comparator, parsed))) return false;
    if (parsed.prerelease.length === 0) return true;
    return set.some(
      (c) =>
        c.version.prerelease.length > 0 &&
        c.version.major === parsed.major &&
        c.version.minor === parsed.minor &&
        c.version.patch === parsed.patch,
    );
  });
}
