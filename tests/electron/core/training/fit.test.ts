/**
 * The training loop's early stopping as the logs report it: each epoch names the epoch whose weights
 * are kept, the epoch that ends a run early says so, and the ETA bounds follow from patience.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../electron/core/training/backend';
import { fitModel, type FitData } from '../../../../electron/core/training/fit';
import { epochsLeft } from '../../../../electron/core/training/runExperiment';
import { buildModel, compileForTraining } from '../../../../models/registry';
import { DEFAULT_CONFIG, type Config } from '../../../../shared/config';
import type { EpochLog } from '../../../../shared/experiments';

beforeAll(async () => {
  await selectBackend();
});

/** Two separable classes in 8 dimensions, seeded. */
function blobs(n: number, seed: number, shuffleLabels = false): FitData {
  let a = seed;
  const rand = (): number => ((a = (a * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const x = new Float32Array(n * 8);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    labels[i] = shuffleLabels ? (rand() > 0 ? 1 : 0) : label;
    for (let d = 0; d < 8; d++) x[i * 8 + d] = (label ? 1.5 : -1.5) * (d < 2 ? 1 : 0) + rand();
  }
  return { x, labels, sampleShape: [8] };
}

const training = (over: Partial<Config['training']>): Config['training'] => ({ ...DEFAULT_CONFIG.training, batch_norm: false, label_smoothing: 0, ...over });

async function fit(t: Config['training'], validation: FitData): Promise<EpochLog[]> {
  const model = buildModel('advanced_dnn', { inputShape: [8], nClasses: 2, config: { ...DEFAULT_CONFIG.model, hidden_layers: [16], dropout_rates: [0], input_noise: 0, ensemble: 1, l2: 0, batchNorm: false }, seed: 1 });
  compileForTraining(model, t.learning_rate);
  const logs: EpochLog[] = [];
  const result = await fitModel({ model, train: blobs(128, 1), validation, nClasses: 2, training: t, onEpoch: (l) => logs.push(l) });
  expect(result.history).toEqual(logs);
  expect(result.bestEpoch).toBe(logs.at(-1)?.bestEpoch);
  model.dispose();
  return logs;
}

describe('fitModel early stopping, as logged', () => {
  it('validation labels it cannot learn: stops patience epochs after its best, marks that epoch, names the kept one', async () => {
    const t = training({ epochs: 60, learning_rate: 0.05, early_stopping: { patience: 3, smoothing: 0 }, lr_schedule: { factor: 0.5, patience: 100, min_lr: 1e-6 } });
    const logs = await fit(t, blobs(64, 7, true));
    const last = logs.at(-1) as EpochLog;
    expect(logs.length).toBeLessThan(60);
    expect(last.earlyStop).toBe(true);
    expect(logs.slice(0, -1).every((l) => l.earlyStop === undefined)).toBe(true);
    // The kept epoch is the lowest validation loss (by the 1e-4 improvement rule), and patience ran out after it.
    const best = last.bestEpoch as number;
    expect(last.epoch - best).toBe(3);
    const lowest = logs.reduce((m, l) => (l.valLoss < m.valLoss ? l : m));
    expect(logs[best - 1]?.valLoss).toBeLessThanOrEqual(lowest.valLoss + 1e-4);
    // bestEpoch never decreases and is never ahead of the epoch.
    logs.forEach((l, i) => {
      expect(l.bestEpoch).toBeLessThanOrEqual(l.epoch);
      if (i > 0) expect(l.bestEpoch).toBeGreaterThanOrEqual(logs[i - 1]?.bestEpoch as number);
    });
  });

  it('a run that uses every epoch is not marked as stopped early', async () => {
    const logs = await fit(training({ epochs: 4, learning_rate: 0.01, early_stopping: { patience: 1, smoothing: 0 } }), blobs(64, 3));
    expect(logs).toHaveLength(4);
    expect(logs.some((l) => l.earlyStop)).toBe(false);
  });
});

describe('epochsLeft (the ETA bounds)', () => {
  const t = training({ epochs: 100, early_stopping: { patience: 10, smoothing: 0 } });
  const log = (epoch: number, bestEpoch: number, earlyStop = false): EpochLog => ({
    epoch, bestEpoch, loss: 1, acc: 0.5, valLoss: 1, valAcc: 0.5, lr: 0.001, seconds: 2, ...(earlyStop ? { earlyStop: true as const } : {}),
  });

  it('upper: every epoch left; lower: the patience left since the best epoch', () => {
    // Epoch 20, best at 15: 5 epochs of patience left at most 80 more epochs, 2 s each.
    expect(epochsLeft(log(20, 15), t, 0, 2)).toEqual({ etaSeconds: 160, etaMinSeconds: 10 });
    // Best just now: the whole patience.
    expect(epochsLeft(log(20, 20), t, 0, 2)).toEqual({ etaSeconds: 160, etaMinSeconds: 20 });
  });

  it('k-fold: later folds need at least patience + 1 epochs each, at most every epoch', () => {
    expect(epochsLeft(log(20, 15), t, 2, 1)).toEqual({ etaSeconds: 80 + 200, etaMinSeconds: 5 + 2 * 11 });
  });

  it('the epoch that stops a run early leaves only the other folds; near the end the epoch count caps the lower bound', () => {
    expect(epochsLeft(log(30, 20, true), t, 1, 1)).toEqual({ etaSeconds: 100, etaMinSeconds: 11 });
    expect(epochsLeft(log(98, 97), t, 0, 1)).toEqual({ etaSeconds: 2, etaMinSeconds: 2 });
  });
});
