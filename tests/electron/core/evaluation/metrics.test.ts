/**
 * Metrics against confusion matrices worked out by hand. Every expected number is derived in the
 * comments; the "sklearn" figures are what `sklearn.metrics.classification_report(y_true, y_pred,
 * digits=4)` prints for the same vectors (worked out from its definitions, zero_division=0).
 */
import { describe, expect, it } from 'vitest';
import { classificationReport, confusionMatrix, meanSd, poolConfusions } from '../../../../electron/core/evaluation/metrics';
import { EngineError } from '../../../../shared/errors';

describe('confusionMatrix', () => {
  it('counts rows = true, columns = predicted', () => {
    expect(confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3)).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 2],
    ]);
  });

  it('has an all-zero matrix for no samples and keeps unseen classes as zero rows/columns', () => {
    expect(confusionMatrix([], [], 2)).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(confusionMatrix([1], [1], 3)).toEqual([
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
  });

  it('rejects mismatched lengths and labels out of range', () => {
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow('yTrue has 2 labels but yPred has 1');
    expect(() => confusionMatrix([0, 2], [0, 1], 2)).toThrow('yTrue[1] = 2 is not a class index in 0..1');
    expect(() => confusionMatrix([0, 1], [0, -1], 2)).toThrow('yPred[1] = -1');
    expect(() => confusionMatrix([0.5], [0], 2)).toThrow('yTrue[0] = 0.5');
    expect(() => confusionMatrix([0], [0], 0)).toThrow('nClasses must be an integer ≥ 1');
    expect(() => confusionMatrix([0], [], 1)).toThrow(EngineError);
  });
});

describe('classificationReport', () => {
  it('3 classes, class c never predicted', () => {
    const yTrue = [0, 0, 0, 0, 1, 1, 1, 2, 2];
    const yPred = [0, 0, 0, 1, 1, 1, 0, 0, 1];
    const cm = confusionMatrix(yTrue, yPred, 3);
    // true 0 → predicted 0,0,0,1   → [3, 1, 0]
    // true 1 → predicted 1,1,0     → [1, 2, 0]
    // true 2 → predicted 0,1       → [1, 1, 0]
    expect(cm).toEqual([
      [3, 1, 0],
      [1, 2, 0],
      [1, 1, 0],
    ]);
    const r = classificationReport(cm, ['a', 'b', 'c']);
    // Column sums (times predicted): a 5, b 4, c 0. Supports (row sums): a 4, b 3, c 2; total 9.
    // a: P = 3/5 = 0.6, R = 3/4 = 0.75, F1 = 2·3 / (2·3 + 2 + 1) = 6/9 = 0.6667
    // b: P = 2/4 = 0.5, R = 2/3 = 0.6667, F1 = 2·2 / (2·2 + 2 + 1) = 4/7 = 0.5714
    // c: never predicted → P = 0/0 → 0; R = 0/2 = 0; F1 = 0
    expect(r.perClass.a).toEqual({ precision: 0.6, recall: 0.75, f1: expect.closeTo(2 / 3, 12), support: 4 });
    expect(r.perClass.b).toEqual({ precision: 0.5, recall: expect.closeTo(2 / 3, 12), f1: expect.closeTo(4 / 7, 12), support: 3 });
    expect(r.perClass.c).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    expect(Object.keys(r.perClass)).toEqual(['a', 'b', 'c']);
    // accuracy = (3 + 2 + 0) / 9 = 0.5556
    expect(r.accuracy).toBeCloseTo(5 / 9, 12);
    expect(r.support).toBe(9);
    // macro P = (0.6 + 0.5 + 0) / 3 = 0.3667; R = (0.75 + 0.6667 + 0) / 3 = 0.4722; F1 = (2/3 + 4/7) / 3 = 26/63 = 0.4127
    expect(r.macro.precision).toBeCloseTo(1.1 / 3, 12);
    expect(r.macro.recall).toBeCloseTo((0.75 + 2 / 3) / 3, 12);
    expect(r.macro.f1).toBeCloseTo(26 / 63, 12);
    // weighted P = (0.6·4 + 0.5·3 + 0·2) / 9 = 3.9/9 = 0.4333; R = (3 + 2 + 0) / 9 = accuracy;
    // F1 = (2/3·4 + 4/7·3) / 9 = (8/3 + 12/7) / 9 = 92/189 = 0.4868
    expect(r.weighted.precision).toBeCloseTo(3.9 / 9, 12);
    expect(r.weighted.recall).toBeCloseTo(r.accuracy, 12);
    expect(r.weighted.f1).toBeCloseTo(92 / 189, 12);
    // sklearn prints (digits=4):   macro avg 0.3667 0.4722 0.4127 9   weighted avg 0.4333 0.5556 0.4868 9
    expect([r.macro.precision, r.macro.recall, r.macro.f1].map((v) => v.toFixed(4))).toEqual(['0.3667', '0.4722', '0.4127']);
    expect([r.weighted.precision, r.weighted.recall, r.weighted.f1].map((v) => v.toFixed(4))).toEqual(['0.4333', '0.5556', '0.4868']);
  });

  it('perfect predictions give 1 everywhere', () => {
    const y = [0, 1, 2, 2, 1, 0, 0];
    const r = classificationReport(confusionMatrix(y, y, 3), ['x', 'y', 'z']);
    expect(r.accuracy).toBe(1);
    expect(r.macro).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(r.weighted).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(r.perClass.x).toEqual({ precision: 1, recall: 1, f1: 1, support: 3 });
  });

  it('all-wrong predictions give 0 everywhere', () => {
    // Every class is predicted once but never correctly: TP = 0 for all → P = R = F1 = 0.
    const r = classificationReport(confusionMatrix([0, 1, 2], [1, 2, 0], 3), ['x', 'y', 'z']);
    expect(r.accuracy).toBe(0);
    expect(r.macro).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(r.weighted).toEqual({ precision: 0, recall: 0, f1: 0 });
    for (const m of Object.values(r.perClass)) expect(m).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
  });

  it('weighted and macro differ with unequal support (majority-class predictor)', () => {
    // 8 × class 0, 2 × class 1, everything predicted 0 → [[8, 0], [2, 0]].
    const r = classificationReport(confusionMatrix([0, 0, 0, 0, 0, 0, 0, 0, 1, 1], new Array<number>(10).fill(0), 2), ['maj', 'min']);
    // maj: P = 8/10 = 0.8, R = 8/8 = 1, F1 = 16 / (16 + 2 + 0) = 8/9 = 0.8889; min: all 0 (never predicted)
    expect(r.perClass.maj).toEqual({ precision: 0.8, recall: 1, f1: expect.closeTo(8 / 9, 12), support: 8 });
    expect(r.perClass.min).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    // macro:    P = 0.8/2 = 0.4,      R = 1/2 = 0.5,     F1 = (8/9)/2 = 0.4444
    // weighted: P = 0.8·8/10 = 0.64,  R = 8/10 = 0.8,    F1 = (8/9)·0.8 = 0.7111
    // sklearn:  accuracy 0.8000 10; macro avg 0.4000 0.5000 0.4444 10; weighted avg 0.6400 0.8000 0.7111 10
    expect(r.accuracy).toBe(0.8);
    expect(r.macro.precision).toBeCloseTo(0.4, 12);
    expect(r.macro.recall).toBeCloseTo(0.5, 12);
    expect(r.macro.f1).toBeCloseTo(4 / 9, 12);
    expect(r.weighted.precision).toBeCloseTo(0.64, 12);
    expect(r.weighted.recall).toBeCloseTo(0.8, 12);
    expect(r.weighted.f1).toBeCloseTo(32 / 45, 12);
    expect(r.weighted.f1).toBeGreaterThan(r.macro.f1 + 0.25);
  });

  it('a class with no support still counts (as zeros) in the macro average', () => {
    // [[2, 0, 0], [0, 1, 1], [0, 0, 0]]: class z has no true samples but is predicted once.
    // z: P = 0/1 = 0, R = 0/0 → 0, F1 = 0. x: 1,1,1. y: P = 1/1, R = 1/2, F1 = 2/(2+0+1) = 2/3.
    // Supports 2, 2, 0 (total 4). macro F1 = (1 + 2/3 + 0) / 3 = 5/9 (sklearn with labels=[0, 1, 2]);
    // weighted F1 = (1·2 + 2/3·2 + 0·0) / 4 = (10/3) / 4 = 5/6 — the support-0 class weighs nothing there.
    const r = classificationReport(
      [
        [2, 0, 0],
        [0, 1, 1],
        [0, 0, 0],
      ],
      ['x', 'y', 'z'],
    );
    expect(r.perClass.z).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(r.macro.f1).toBeCloseTo(5 / 9, 12);
    expect(r.weighted.f1).toBeCloseTo(5 / 6, 12);
    expect(r.accuracy).toBeCloseTo(3 / 4, 12);
  });

  it('validates its inputs', () => {
    expect(() => classificationReport([[1, 0], [0, 1]], ['a'])).toThrow('1 labels for a 2×2 confusion matrix');
    expect(() => classificationReport([[1, 0], [0]], ['a', 'b'])).toThrow('must be square');
    expect(() => classificationReport([[1, -1], [0, 1]], ['a', 'b'])).toThrow('confusion[0][1] = -1');
    expect(() => classificationReport([[1, 0.5], [0, 1]], ['a', 'b'])).toThrow('not a non-negative integer');
    expect(() => classificationReport([[1, 0], [0, 1]], ['a', 'a'])).toThrow('labels must be unique');
    expect(() => classificationReport([[0, 0], [0, 0]], ['a', 'b'])).toThrow('holds no samples');
    expect(() => classificationReport([], [])).toThrow('empty');
  });
});

describe('poolConfusions', () => {
  it('sums element-wise without touching the inputs', () => {
    const a = [
      [1, 2],
      [3, 4],
    ];
    const b = [
      [10, 0],
      [0, 10],
    ];
    expect(poolConfusions([a, b])).toEqual([
      [11, 2],
      [3, 14],
    ]);
    expect(a).toEqual([
      [1, 2],
      [3, 4],
    ]);
    // Pooled folds report on all samples at once: accuracy (11 + 14) / 30.
    expect(classificationReport(poolConfusions([a, b]), ['p', 'q']).accuracy).toBeCloseTo(25 / 30, 12);
  });

  it('rejects an empty list and mismatched shapes', () => {
    expect(() => poolConfusions([])).toThrow('no matrices');
    expect(() => poolConfusions([[[1]], [[1, 0], [0, 1]]])).toThrow('matrix 1 is 2×2, the first is 1×1');
  });
});

describe('meanSd', () => {
  it('uses the sample standard deviation (n − 1)', () => {
    // mean = 40/8 = 5; squared deviations 9+1+1+1+0+0+4+16 = 32; sd = √(32/7) = 2.1381 (population sd would be 2).
    const r = meanSd([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(r.mean).toBe(5);
    expect(r.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it('gives sd 0 for one value and rejects none or non-finite', () => {
    expect(meanSd([0.7])).toEqual({ mean: 0.7, sd: 0 });
    expect(() => meanSd([])).toThrow('no values');
    expect(() => meanSd([1, Number.NaN])).toThrow('values[1] = NaN');
  });
});
