// A row of the comparison: baseline ids, a baseline result JSON and how the comparison names it.
import { BASELINE_RESULT_FIELDS, type BaselineResult } from '@fmnist-examples/baseline-kit';

/** The baselines a comparison can run, in the order they run and appear. */
export const BASELINE_IDS = ['tfjs-mlp', 'onnx-mlp', 'tfjs-cnn', 'onnx-cnn', 'brain-mlp'] as const;

/** One of {@link BASELINE_IDS}. */
export type BaselineId = (typeof BASELINE_IDS)[number];

/** The fields every baseline result JSON carries (the shared shape of all baselines). */
export const RESULT_FIELDS = BASELINE_RESULT_FIELDS;

/**
 * A row of the comparison: a baseline result JSON as the baseline returned it, plus how this
 * comparison refers to it.
 */
export interface CompareRow extends BaselineResult {
  /** Which baseline produced it. */
  baseline: BaselineId;
  /** Short display name, e.g. `'tfjs cnn-small'`. */
  label: string;
  /**
   * `'trained'`: this run trained the model. `'inference'`: it evaluated a model another row
   * trained (the ONNX rows); its training fields describe that row's training, not its own.
   */
  role: 'trained' | 'inference';
  /** For `'inference'` rows: the baseline id of the row whose model this is. */
  trainedBy?: BaselineId;
}

/** A display label: framework, model and, where it says something, the backend. */
export function rowLabel(result: Pick<BaselineResult, 'framework' | 'model' | 'backend'>): string {
  return `${result.framework} ${result.model} (${result.backend})`;
}

/**
 * Problems with a row, as sentences (empty when it is complete): a missing or null shared field,
 * a confusion matrix that is not `classes x classes` or does not sum to `testSamples`, an
 * accuracy outside [0, 1] or per-class accuracies of the wrong length.
 */
export function rowProblems(row: Partial<CompareRow>, numClasses = 10): string[] {
  const problems: string[] = [];
  const name = row.label ?? row.baseline ?? 'row';
  for (const field of RESULT_FIELDS) {
    if (row[field] === undefined || row[field] === null)
      problems.push(`${name}: ${field} is missing`);
  }
  if (problems.length > 0) return problems;
  const r = row as CompareRow;
  if (!(r.testAccuracy >= 0 && r.testAccuracy <= 1)) {
    problems.push(`${name}: testAccuracy ${r.testAccuracy} is not in [0, 1]`);
  }
  if (r.perClassAccuracy.length !== numClasses) {
    problems.push(`${name}: perClassAccuracy has ${r.perClassAccuracy.length} entries`);
  }
  const cells = r.confusionMatrix.flat();
  if (r.confusionMatrix.length !== numClasses || cells.length !== numClasses * numClasses) {
    problems.push(`${name}: confusionMatrix is not ${numClasses} x ${numClasses}`);
  } else if (cells.reduce((a, b) => a + b, 0) !== r.testSamples) {
    problems.push(`${name}: confusionMatrix does not add up to testSamples (${r.testSamples})`);
  }
  return problems;
}
