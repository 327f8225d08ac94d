/**
 * scikit-learn's `class_weight='balanced'`: class c weighs n / (K · count(c)), so each class contributes
 * equally to the loss (RAVDESS neutral has half the clips of the other emotions). One formula for every
 * model: per-row weights for logreg, per-class C for svm, tfjs's classWeight for the neural loop.
 */

/** Weight of each class 0…k−1 over `labels`; 0 for a class with no rows. */
export function balancedClassWeights(labels: ArrayLike<number>, k: number): Float64Array {
  const counts = new Float64Array(k);
  for (let i = 0; i < labels.length; i++) counts[labels[i] as number] = (counts[labels[i] as number] as number) + 1;
  return counts.map((c) => (c > 0 ? labels.length / (k * c) : 0));
}
