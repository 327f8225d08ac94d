/**
 * `svm` against scikit-learn 1.2's SVC (tests/fixtures/sklearn/svm.json, made by
 * scripts/fixtures/sklearn_svm.py): an RBF one-vs-one C-SVC on a fixed, non-linear 5-class problem, for
 * C = 1 (gamma 'scale'), C = 10 (balanced) and C = 3 (gamma 0.02). Tolerances, and why:
 *
 * - gamma 'scale' to 1e-9 relative (the same formula; the JSON rounds the inputs to 8 decimals);
 * - the same support vectors, and one-vs-one decision values within 2e-3 absolute (both solvers stop at
 *   the KKT tolerance 1e-3; LIBSVM shrinks, we do not, so the two may stop at slightly different points;
 *   measured: at most 1.1e-7, 4.7e-7 and 4.8e-4 for the three cases);
 * - predictions (votes) on ≥ 98 % of the held-out rows (the bar of issue 12; measured: all 100 in each case);
 * - given scikit-learn's own sigmoids (probA_, probB_), our coupling of our decision values gives its
 *   predict_proba within 5e-4 (measured: at most 6.7e-5) — the probability path is exact up to the
 *   decision-value tolerance;
 * - with our own Platt fits (our seeded 5-fold CV; LIBSVM's folds come from `rand()`, so no two
 *   implementations share them) probabilities within 0.02 on average and 0.1 at most per value (measured:
 *   means 0.004–0.005, at most 0.054), and the sigmoid slopes within 25 % of scikit-learn's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../electron/core/training/backend';
import { classPairs, couple, fitSvm, pairwiseCoupling, scaleGamma, sigmoidTrain, svmDecisions, svmModel, svmProbabilities, svmVotes } from '../../models/svm';
import { loadSklearnFixture } from '../helpers/sklearnFixture';

interface Case {
  C: number;
  gamma: number | 'scale';
  class_weight: 'balanced' | null;
  gamma_used: number;
  support: number[];
  n_support: number[];
  probA: number[];
  probB: number[];
  decision_test: number[][];
  pred_test: number[];
  proba_test: number[][];
}
const fixture = loadSklearnFixture<Case>('svm');
const { d, k, xTrain, xTest } = fixture;
const nTest = fixture.x_test.length;
const nPairs = (k * (k - 1)) / 2;

beforeAll(async () => {
  await selectBackend();
});

describe('svm vs scikit-learn SVC (rbf, one-vs-one, probability=True)', () => {
  const fits = new Map<Case, ReturnType<typeof fitSvm>>();
  const fitOf = (c: Case) => {
    let fit = fits.get(c);
    if (!fit) {
      fit = fitSvm(xTrain, fixture.y_train, d, k, { C: c.C, gamma: c.gamma, balanced: c.class_weight === 'balanced', seed: 42 });
      fits.set(c, fit);
    }
    return fit;
  };
  const cases = fixture.cases.map((c) => [`C=${c.C}, gamma=${c.gamma}${c.class_weight ? ', balanced' : ''}`, c] as const);

  it.each(cases)('%s: gamma, support vectors, decision values and votes', (_, c) => {
    const fit = fitOf(c);
    expect(Math.abs(fit.gamma - c.gamma_used) / c.gamma_used).toBeLessThan(1e-9);
    expect(Array.from(fit.supportIndices)).toEqual([...c.support].sort((a, b) => a - b));
    const dec = svmDecisions(fit, xTest);
    let worst = 0;
    c.decision_test.forEach((row, i) => row.forEach((v, p) => (worst = Math.max(worst, Math.abs(v - (dec[i * nPairs + p] as number))))));
    expect(worst).toBeLessThan(2e-3);
    const votes = svmVotes(fit, xTest);
    const agree = votes.filter((v, i) => v === c.pred_test[i]).length / nTest;
    expect(agree).toBeGreaterThanOrEqual(0.98);
  });

  it.each(cases)('%s: scikit-learn’s sigmoids on our decision values give its predict_proba within 2e-3', (_, c) => {
    const dec = svmDecisions(fitOf(c), xTest);
    let worst = 0;
    for (let i = 0; i < nTest; i++) {
      const p = couple(dec.subarray(i * nPairs, (i + 1) * nPairs), c.probA, c.probB, k);
      c.proba_test[i]?.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - (p[j] as number)))));
    }
    expect(worst).toBeLessThan(5e-4);
  });

  it.each(cases)('%s: our own Platt fits land near scikit-learn’s (different CV folds)', (_, c) => {
    const fit = fitOf(c);
    const proba = svmProbabilities(fit, xTest);
    let sum = 0;
    let worst = 0;
    c.proba_test.forEach((row, i) =>
      row.forEach((v, j) => {
        const diff = Math.abs(v - (proba[i * k + j] as number));
        sum += diff;
        worst = Math.max(worst, diff);
      }),
    );
    expect(sum / (nTest * k)).toBeLessThan(0.02);
    expect(worst).toBeLessThan(0.1);
    fit.probA.forEach((a, p) => expect(Math.abs(a - (c.probA[p] as number)) / Math.abs(c.probA[p] as number)).toBeLessThan(0.25));
    for (let i = 0; i < nTest; i++) {
      const row = Array.from(proba.subarray(i * k, (i + 1) * k));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    }
  });

  it('the saved tfjs model (one EmotionStudioSvm layer) gives the float64 probabilities within 1e-4', () => {
    const c = fixture.cases[0] as Case;
    const fit = fitOf(c);
    const model = svmModel(fit);
    const out = tf.tidy(() => (model.predict(tf.tensor2d(Float32Array.from(xTest), [nTest, d])) as tf.Tensor).dataSync());
    const reference = svmProbabilities(fit, xTest);
    let worst = 0;
    reference.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (out[i] as number)))));
    expect(worst).toBeLessThan(1e-4);
    model.dispose();
  });
});

describe('svm building blocks', () => {
  it("gamma 'scale' is 1 / (n_features · var(X)) over every value", () => {
    // Values 0, 2, 4, 6 → mean 3, population variance 5; 2 features.
    expect(scaleGamma([0, 2, 4, 6], 2)).toBeCloseTo(1 / (2 * 5), 15);
  });

  it('pairs follow LIBSVM’s order', () => {
    expect(classPairs(4)).toEqual([[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
  });

  it('pairwise coupling recovers probabilities that generated consistent pairwise estimates', () => {
    // r[i][j] = p_i / (p_i + p_j) is exactly consistent: method 2 returns p, up to its stopping rule
    // (max |Qp − pᵀQp| < 0.005 / k), i.e. within about 1e-3.
    const p = [0.5, 0.3, 0.15, 0.05];
    const r = new Float64Array(16);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (i !== j) r[i * 4 + j] = (p[i] as number) / ((p[i] as number) + (p[j] as number));
    const out = pairwiseCoupling(r, 4);
    p.forEach((v, i) => expect(Math.abs((out[i] as number) - v)).toBeLessThan(2e-3));
  });

  it('Platt’s sigmoid on separable-ish decision values has a negative slope and calibrated targets', () => {
    // Decision values +1 for 40 positives and −1 for 40 negatives, 4 of each on the wrong side.
    const dec: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 40; i++) {
      dec.push(i < 4 ? -1 : 1, i < 4 ? 1 : -1);
      y.push(1, -1);
    }
    const { A, B } = sigmoidTrain(dec, y);
    expect(A).toBeLessThan(0);
    expect(Math.abs(B)).toBeLessThan(1e-6);
    // P(+ | f = 1) ≈ 36/40 with Platt's target smoothing (hi = 41/42, lo = 1/42).
    const p = 1 / (1 + Math.exp(A + B));
    expect(p).toBeGreaterThan(0.85);
    expect(p).toBeLessThan(0.92);
  });

  it('refuses a class with no training rows, naming it', () => {
    expect(() => fitSvm([0, 1, 1, 0], [0, 2], 2, 3, { C: 1, gamma: 'scale', balanced: false, seed: 1 })).toThrow(/class 1 has no training rows/);
  });
});
