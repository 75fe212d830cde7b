// The published reference accuracies the report quotes beside the baselines.
/**
 * Published accuracies to read this comparison against: what other people measured on the same
 * test split with the same 60,000 training images. They are quoted, not re-run here.
 */

/** One published test accuracy. */
export interface ReferenceScore {
  /** Dataset id as in `@fmnist/core` (`'fashion-mnist'` or `'mnist'`). */
  dataset: string;
  /** What produced it, e.g. `'scikit-learn SVC'`. */
  name: string;
  /** Test accuracy, 0 to 1. */
  accuracy: number;
  /** Where the number comes from. */
  source: string;
}

const PAPER = 'Xiao, Rasul & Vollgraf 2017, Fashion-MNIST benchmark (arXiv:1708.07747)';
const README = 'zalandoresearch/fashion-mnist README, benchmark table';

/**
 * The best scikit-learn result per classifier family from the Fashion-MNIST paper's benchmark, the
 * dataset README's small CNN and its crowd-sourced human accuracy, and the same benchmark's two best
 * classic classifiers on MNIST.
 */
export const REFERENCE_SCORES: readonly ReferenceScore[] = Object.freeze([
  { dataset: 'fashion-mnist', name: '2 conv + pooling CNN', accuracy: 0.916, source: README },
  { dataset: 'fashion-mnist', name: 'scikit-learn SVC', accuracy: 0.897, source: PAPER },
  {
    dataset: 'fashion-mnist',
    name: 'scikit-learn GradientBoosting',
    accuracy: 0.88,
    source: PAPER,
  },
  { dataset: 'fashion-mnist', name: 'scikit-learn MLPClassifier', accuracy: 0.871, source: PAPER },
  {
    dataset: 'fashion-mnist',
    name: 'scikit-learn LogisticRegression',
    accuracy: 0.842,
    source: PAPER,
  },
  { dataset: 'fashion-mnist', name: 'human (crowd-sourced)', accuracy: 0.835, source: README },
  { dataset: 'mnist', name: 'scikit-learn SVC', accuracy: 0.973, source: PAPER },
  { dataset: 'mnist', name: 'scikit-learn MLPClassifier', accuracy: 0.972, source: PAPER },
]);

/** The reference scores for one dataset, best first. */
export function referencesFor(dataset: string): ReferenceScore[] {
  return REFERENCE_SCORES.filter((r) => r.dataset === dataset).sort(
    (a, b) => b.accuracy - a.accuracy,
  );
}
