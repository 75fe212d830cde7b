// Dataset names as users type them ('fashion_mnist', 'Fashion-MNIST', 'FashionMNIST'): match to a registered id, or suggest the nearest.
import { FmnistError } from './errors.ts';

/**
 * The form two names are compared in: lower case, with `-`, `_`, `.` and whitespace removed, so
 * `'Fashion-MNIST'`, `'fashion_mnist'`, `'fashion mnist'` and `'FashionMNIST'` are all
 * `'fashionmnist'` (the spellings of Keras, TFDS, torchvision and the paper).
 */
export function datasetNameKey(name: string): string {
  return name.toLowerCase().replace(/[-_.\s]+/g, '');
}

/**
 * The registered id that `name` means, or `undefined` when none does. An exact id wins; otherwise
 * the first id in `knownIds` whose {@link datasetNameKey} equals the name's.
 *
 * @param knownIds Registered ids, e.g. `listDatasets()`.
 */
export function normalizeDatasetName(
  name: string,
  knownIds: readonly string[],
): string | undefined {
  if (typeof name !== 'string') return undefined;
  if (knownIds.includes(name)) return name;
  const key = datasetNameKey(name);
  if (key === '') return undefined;
  return knownIds.find((id) => datasetNameKey(id) === key);
}

/** Options for {@link suggestDatasetName}. */
export interface SuggestDatasetNameOptions {
  /**
   * Largest edit distance (between {@link datasetNameKey} forms) still worth suggesting. Default:
   * half the candidate key's length, at least 2, so `'fashon'` suggests `fashion-mnist` but
   * `'cifar10'` suggests nothing.
   */
  maxDistance?: number;
}

/**
 * The id in `knownIds` nearest to `name` by Levenshtein distance between their
 * {@link datasetNameKey} forms, for a "did you mean" hint; ties go to the earlier id, and
 * `undefined` comes back when no id is within `maxDistance`.
 *
 * @param knownIds Registered ids, e.g. `listDatasets()`.
 */
export function suggestDatasetName(
  name: string,
  knownIds: readonly string[],
  options: SuggestDatasetNameOptions = {},
): string | undefined {
  const key = datasetNameKey(String(name));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const id of knownIds) {
    const candidate = datasetNameKey(id);
    const limit = options.maxDistance ?? Math.max(2, Math.floor(candidate.length / 2));
    const distance = levenshtein(key, candidate);
    if (distance <= limit && distance < bestDistance) {
      best = id;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The `UNKNOWN_DATASET` error for a name that {@link normalizeDatasetName} did not match: it
 * quotes the name, suggests the nearest id when there is one, and lists the known ids.
 */
export function unknownDatasetError(name: string, knownIds: readonly string[]): FmnistError {
  const suggestion = suggestDatasetName(name, knownIds);
  const hint = suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
  return new FmnistError(
    'UNKNOWN_DATASET',
    `Unknown dataset "${String(name)}".${hint} Known datasets: ${knownIds.join(', ')}.`,
    { details: { dataset: name, suggestion, known: [...knownIds] } },
  );
}

/** Edit distance (insertions, deletions, substitutions of UTF-16 units), one row at a time. */
function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}
