/**
 * The three architectures through the registry, at RAVDESS shapes: DNN on the 402-value stats vector,
 * CNN and LSTM on 130 frames × 104 channels (64 log-mel + 40 MFCC). Runs on the backend `auto` picks
 * (wasm here), so the CNN also proves the wasm conv-gradient kernels work inside real layers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../electron/core/training/backend';
import { buildCnn, CNN_DEFAULTS } from '../../models/cnn';
import { buildLstm, LSTM_DEFAULTS } from '../../models/lstm';
import { StatsPooling1D } from '../../models/statsPooling';
import {
  buildModel,
  compileForTraining,
  getLearningRate,
  getModelDefinition,
  isClassical,
  MODEL_REGISTRY,
  modelSpecFromConfig,
  setLearningRate,
  type ModelBuildSpec,
  type ModelName,
} from '../../models/registry';
import { CLASSICAL_MODEL_NAMES, DEFAULT_CONFIG, parseConfig, type Config } from '../../shared/config';

const STATS_SHAPE = [402];
const SEQUENCE_SHAPE = [130, 104];
const NAMES = Object.keys(MODEL_REGISTRY) as ModelName[];
/** The trained-in-epochs architectures; `logreg` and `svm` (tests/models/logreg.test.ts, svm.test.ts) are fitted in one call. */
const NEURAL = NAMES.filter((name) => !isClassical(MODEL_REGISTRY[name]));

function shapeFor(name: ModelName): number[] {
  return MODEL_REGISTRY[name].input === 'stats' ? STATS_SHAPE : SEQUENCE_SHAPE;
}

/**
 * The default config as one network: these tests are about the architectures; the ensemble wrapper
 * (`model.ensemble`, `model.input_noise`) has its own tests in ensemble.test.ts.
 */
function configWith(model: object, training: object = {}): Config {
  const parsed = parseConfig({ model: { ensemble: 1, input_noise: 0, ...model }, training });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.config;
}

const ONE_NETWORK = configWith({});

function spec(name: ModelName, overrides: Partial<ModelBuildSpec> = {}, config: Config = ONE_NETWORK): ModelBuildSpec {
  return { ...modelSpecFromConfig(config, shapeFor(name), 8), ...overrides };
}

/** All weights (trainable and batch-norm statistics) as one flat array. */
function flatWeights(model: tf.LayersModel): Float32Array {
  const parts = model.getWeights().map((w) => w.dataSync());
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * `n` examples of `classes` classes that differ in the mean of a class-specific block of inputs (for
 * sequences: a block of channels in the second half of the clip), under unit noise.
 */
function separable(shape: number[], n: number, classes: number, seed: number): { x: tf.Tensor; y: tf.Tensor; labels: number[] } {
  const labels = Array.from({ length: n }, (_, i) => i % classes);
  return tf.tidy(() => {
    const noise = tf.randomNormal([n, ...shape], 0, 1, 'float32', seed);
    const dims = shape[shape.length - 1] as number;
    const block = Math.floor(dims / classes);
    const signal = tf.buffer([n, ...shape], 'float32');
    const frames = shape.length === 2 ? (shape[0] as number) : 1;
    labels.forEach((label, i) => {
      for (let t = Math.floor(frames / 2); t < frames; t++) {
        for (let d = label * block; d < (label + 1) * block; d++) {
          if (shape.length === 2) signal.set(1.5, i, t, d);
          else signal.set(1.5, i, d);
        }
      }
    });
    return { x: tf.add(noise, signal.toTensor()), y: tf.oneHot(tf.tensor1d(labels, 'int32'), classes), labels };
  });
}

beforeAll(async () => {
  await selectBackend();
});

describe('registry', () => {
  it('names each architecture as the config does, with its input kind', () => {
    expect([...NAMES].sort()).toEqual(['advanced_dnn', 'cnn', 'logreg', 'lstm', 'svm']);
    expect(NEURAL).toEqual(['advanced_dnn', 'cnn', 'lstm']);
    // The Train form knows the classical models by name (shared/ cannot import models/): the same set.
    expect(NAMES.filter((name) => !NEURAL.includes(name))).toEqual([...CLASSICAL_MODEL_NAMES]);
    expect(MODEL_REGISTRY.svm.input).toBe('stats');
    expect(MODEL_REGISTRY.logreg.input).toBe('stats');
    expect(MODEL_REGISTRY.advanced_dnn.input).toBe('stats');
    expect(MODEL_REGISTRY.cnn.input).toBe('sequence');
    // What the sequence models read is the config's (features.sequence), the seed's groups by default.
    expect(DEFAULT_CONFIG.features.sequence).toEqual(['mfcc', 'logmel']);
    for (const name of NAMES) {
      expect(MODEL_REGISTRY[name].name).toBe(name);
      expect(MODEL_REGISTRY[name].describe()).toMatch(name === 'svm' ? /Platt probabilities/ : /softmax/);
    }
    expect(() => getModelDefinition('transformer' as ModelName)).toThrow(/Unknown model "transformer" \(known: advanced_dnn, cnn, lstm, logreg, svm\)/);
    expect(() => buildModel('svm', spec('svm'))).toThrow(/svm is fitted to convergence, not built/);
  });

  it('modelSpecFromConfig takes the model section, training.l2, training.batch_norm and training.seed', () => {
    const config = configWith({ name: 'cnn', hidden_layers: [64], dropout_rates: [0.1] }, { l2: 0.01, batch_norm: false, seed: 7 });
    expect(modelSpecFromConfig(config, [130, 104], 6)).toEqual({
      inputShape: [130, 104],
      nClasses: 6,
      config: { name: 'cnn', hidden_layers: [64], dropout_rates: [0.1], C: 1, gamma: 'scale', input_noise: 0, ensemble: 1, l2: 0.01, batchNorm: false },
      seed: 7,
    });
  });

  it('rejects invalid specs with a message naming the field', () => {
    expect(() => buildModel('advanced_dnn', spec('advanced_dnn', { inputShape: [130, 104] }))).toThrow(/advanced_dnn: inputShape must be \[2 × feature dims\]/);
    expect(() => buildModel('cnn', spec('cnn', { inputShape: [402] }))).toThrow(/cnn: inputShape must be \[frames, channels\]/);
    expect(() => buildModel('lstm', spec('lstm', { nClasses: 1 }))).toThrow(/nClasses must be an integer ≥ 2/);
    expect(() => buildModel('advanced_dnn', spec('advanced_dnn', { seed: -1 }))).toThrow(/seed must be an integer ≥ 0/);
    const base = spec('advanced_dnn', {}, configWith({ hidden_layers: [64, 32], dropout_rates: [0.2, 0.1] }));
    expect(() => buildModel('advanced_dnn', { ...base, config: { ...base.config, dropout_rates: [0.5] } })).toThrow(/dropout_rates needs one rate per hidden layer \(2\) or none, got 1/);
    expect(() => buildModel('advanced_dnn', { ...base, config: { ...base.config, hidden_layers: [] } })).toThrow(/hidden_layers must be a non-empty list/);
    expect(() => buildModel('advanced_dnn', { ...base, config: { ...base.config, l2: -1 } })).toThrow(/training\.l2 must be a number ≥ 0/);
    expect(() => buildModel('cnn', spec('cnn', { inputShape: [3, 104] }))).toThrow(/2 pooling blocks need at least 4 frames, got 3/);
    expect(() => buildLstm(spec('lstm', { inputShape: [3, 104] }))).toThrow(/timePool 4 needs at least 4 frames/);
  });
});

/** Expected parameter counts (trainable + batch-norm moving statistics) for the default config. */
function expectedParams(name: ModelName, nClasses: number): number {
  const [h0, ...rest] = DEFAULT_CONFIG.model.hidden_layers as [number, ...number[]];
  // Dense without bias (batch norm's beta replaces it) + 4 batch-norm vectors.
  const denseBn = (inputs: number, units: number): number => inputs * units + 4 * units;
  const softmax = (inputs: number): number => inputs * nClasses + nClasses;
  if (name === 'advanced_dnn') {
    let total = denseBn(402, h0);
    let width = h0;
    for (const units of rest) {
      total += denseBn(width, units);
      width = units;
    }
    return total + softmax(width);
  }
  // The input-statistics path: mean ‖ std of the 104 input channels, batch-normalised (4 vectors).
  const inputStats = 2 * 104;
  const inputStatsBn = 4 * inputStats;
  if (name === 'cnn') {
    let total = 0;
    let channels = 104;
    for (const filters of CNN_DEFAULTS.filters) {
      total += CNN_DEFAULTS.kernelSize * channels * filters + 4 * filters;
      channels = filters;
    }
    // Statistics pooling doubles the last block's channels (mean ‖ std).
    return total + inputStatsBn + denseBn(inputStats + 2 * channels, h0) + softmax(h0);
  }
  const u = LSTM_DEFAULTS.units;
  return 4 * (104 * u + u * u + u) + inputStatsBn + denseBn(inputStats + 2 * u, h0) + softmax(h0);
}

describe.each(NEURAL)('%s', (name) => {
  it('builds at RAVDESS shapes; outputs [batch, nClasses] probability rows', () => {
    const model = buildModel(name, spec(name));
    const params = model.countParams();
    console.log(`${name}: ${params} parameters for input [${shapeFor(name).join(', ')}], 8 classes`);
    expect(params).toBe(expectedParams(name, 8));
    expect(model.name).toBe(name);
    expect(model.inputs[0]?.shape).toEqual([null, ...shapeFor(name)]);
    const probabilities = tf.tidy(() => (model.predict(tf.randomNormal([5, ...shapeFor(name)], 0, 1, 'float32', 3)) as tf.Tensor).arraySync() as number[][]);
    expect(probabilities).toHaveLength(5);
    for (const row of probabilities) {
      expect(row).toHaveLength(8);
      expect(row.every((p) => p > 0 && p < 1)).toBe(true);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    model.dispose();
  });

  it('the same seed builds identical initial weights; another seed does not', () => {
    const a = buildModel(name, spec(name, { seed: 11 }));
    const b = buildModel(name, spec(name, { seed: 11 }));
    const c = buildModel(name, spec(name, { seed: 12 }));
    const [wa, wb, wc] = [flatWeights(a), flatWeights(b), flatWeights(c)];
    expect(wb).toEqual(wa);
    expect(wc.length).toBe(wa.length);
    // Everything but the deterministic parts (zero biases, batch-norm 0/1 vectors) differs.
    const differing = wa.reduce((n, v, i) => n + (v !== wc[i] ? 1 : 0), 0);
    expect(differing / wa.length).toBeGreaterThan(0.9);
    // Equally-shaped layers within one model do not start from the same matrix.
    const kernels = a.getWeights().filter((w) => w.shape.length >= 2).map((w) => w.dataSync());
    for (let i = 1; i < kernels.length; i++) expect(kernels[i]?.slice(0, 8)).not.toEqual(kernels[i - 1]?.slice(0, 8));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('training loss falls over 2 epochs on a small separable set (3 classes, 90 examples)', async () => {
    const model = buildModel(name, { ...spec(name), nClasses: 3 });
    compileForTraining(model, 3e-3);
    const { x, y } = separable(shapeFor(name), 90, 3, 5);
    const started = performance.now();
    const history = await model.fit(x, y, { epochs: 2, batchSize: 32, shuffle: true, verbose: 0 });
    const loss = history.history.loss as number[];
    console.log(`${name}: loss ${loss.map((l) => l.toFixed(3)).join(' → ')} in ${Math.round(performance.now() - started)} ms`);
    expect(loss).toHaveLength(2);
    expect(loss.every(Number.isFinite)).toBe(true);
    expect(loss[1] as number).toBeLessThan(loss[0] as number);
    expect(history.history.acc).toHaveLength(2);
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('config switches', () => {
  it('batch_norm false: no BatchNormalization layers, Dense/Conv keep their bias and fuse the ReLU', () => {
    const config = configWith({ hidden_layers: [32, 16], dropout_rates: [0.2, 0.1] }, { batch_norm: false });
    for (const name of NEURAL) {
      const model = buildModel(name, { ...spec(name, {}, config) });
      const classes = model.layers.map((l) => l.getClassName());
      expect(classes).not.toContain('BatchNormalization');
      const dense = model.getLayer('dense_' + (name === 'advanced_dnn' ? '1' : 'head')).getConfig();
      expect(dense.useBias).toBe(true);
      expect(dense.activation).toBe('relu');
      model.dispose();
    }
  });

  it('an empty dropout_rates list means no dropout in the DNN and the heads', () => {
    const config = configWith({ hidden_layers: [32, 16], dropout_rates: [] });
    expect(buildModel('advanced_dnn', spec('advanced_dnn', {}, config)).layers.map((l) => l.getClassName())).not.toContain('Dropout');
    const cnnLayers = buildModel('cnn', spec('cnn', {}, config)).layers.map((l) => l.name);
    expect(cnnLayers.filter((n) => n.startsWith('dropout_'))).toEqual([]);
    expect(cnnLayers.filter((n) => n.startsWith('conv_dropout_'))).toHaveLength(CNN_DEFAULTS.filters.length);
  });

  it('the DNN follows hidden_layers, dropout_rates and l2', () => {
    const config = configWith({ hidden_layers: [40, 20, 10], dropout_rates: [0.5, 0, 0.25] }, { l2: 0.02 });
    const model = buildModel('advanced_dnn', spec('advanced_dnn', {}, config));
    expect(model.layers.map((l) => l.name)).toEqual([
      'stats',
      'dense_1', 'bn_1', 'relu_1', 'dropout_1',
      'dense_2', 'bn_2', 'relu_2',
      'dense_3', 'bn_3', 'relu_3', 'dropout_3',
      'emotion',
    ]);
    expect(model.getLayer('dropout_1').getConfig().rate).toBe(0.5);
    expect((model.getLayer('dense_2').getConfig().kernelRegularizer as { config: { l2: number } }).config.l2).toBeCloseTo(0.02);
    expect(model.getLayer('emotion').getConfig().kernelRegularizer).toBeNull();
    const noL2 = buildModel('advanced_dnn', spec('advanced_dnn', {}, configWith({ hidden_layers: [8], dropout_rates: [] }, { l2: 0 })));
    expect(noL2.getLayer('dense_1').getConfig().kernelRegularizer).toBeNull();
  });

  it('cnn and lstm pool over time by mean ‖ std and feed the input statistics to the head', () => {
    for (const name of ['cnn', 'lstm'] as const) {
      const model = buildModel(name, spec(name));
      const names = model.layers.map((l) => l.name);
      expect(names).toEqual(expect.arrayContaining(['time_stats', 'input_stats', 'input_stats_bn', 'pooled_features', 'dense_head', 'emotion']));
      expect(names).not.toContain('time_average');
      expect(model.getLayer('time_stats').getClassName()).toBe('EmotionStudioStatsPooling1D');
      // The input path reads the input layer itself (not the noise layer): mean ‖ std of 104 channels.
      expect(model.getLayer('input_stats').outputShape).toEqual([null, 208]);
      const inbound = (model.getLayer('input_stats') as unknown as { inboundNodes: { inboundLayers: tf.layers.Layer[] }[] }).inboundNodes[0]?.inboundLayers.map((l) => l.name);
      expect(inbound).toEqual(['sequence']);
      const width = name === 'cnn' ? (CNN_DEFAULTS.filters.at(-1) as number) : LSTM_DEFAULTS.units;
      expect(model.getLayer('time_stats').outputShape).toEqual([null, 2 * width]);
      expect(model.getLayer('pooled_features').outputShape).toEqual([null, 208 + 2 * width]);
      model.dispose();
    }
    // The earlier architectures stay available as options.
    const meanOnly = buildCnn(spec('cnn'), { pooling: 'mean', inputStats: false }).layers.map((l) => l.name);
    expect(meanOnly).toContain('time_average');
    expect(meanOnly.filter((n) => n.includes('stats'))).toEqual([]);
    const last = buildLstm(spec('lstm'), { pooling: 'last', inputStats: false });
    expect(last.getLayer('lstm').outputShape).toEqual([null, LSTM_DEFAULTS.units]);
    expect(last.layers.map((l) => l.name).filter((n) => n.includes('stats'))).toEqual([]);
    expect(() => buildCnn(spec('cnn'), { pooling: 'max' as 'mean' })).toThrow(/cnn: pooling must be 'stats' or 'mean'/);
    expect(() => buildLstm(spec('lstm'), { inputStats: 1 as unknown as boolean })).toThrow(/lstm: inputStats must be true or false/);
  });

  it('options: a bidirectional LSTM and other CNN widths still build and predict', () => {
    const lstm = buildLstm(spec('lstm'), { bidirectional: true, units: 16, timePool: 2 });
    // Both directions' output sequences (65 steps after pooling time by 2), pooled by mean ‖ std.
    expect(lstm.getLayer('bilstm').outputShape).toEqual([null, 65, 32]);
    expect(lstm.getLayer('time_stats').outputShape).toEqual([null, 64]);
    const cnn = buildCnn(spec('cnn'), { filters: [8, 8], kernelSize: 3 });
    for (const model of [lstm, cnn]) {
      const out = tf.tidy(() => (model.predict(tf.zeros([2, 130, 104])) as tf.Tensor).shape);
      expect(out).toEqual([2, 8]);
      model.dispose();
    }
  });
});

describe('StatsPooling1D', () => {
  // 2 clips × 4 frames × 3 channels; channel 2 of clip 0 is constant (std 0, kept finite by epsilon).
  const values = [
    [[1, -2, 5], [3, 0, 5], [-1, 4, 5], [5, 2, 5]],
    [[0.5, 10, -3], [0.25, 12, 3], [0, 8, -3], [-0.75, 10, 3]],
  ];

  /** Mean and population standard deviation over the frames, by hand in float64. */
  function byHand(clip: number[][]): number[] {
    const t = clip.length;
    const channels = (clip[0] as number[]).length;
    const mean = Array.from({ length: channels }, (_, c) => clip.reduce((s, f) => s + (f[c] as number), 0) / t);
    const std = mean.map((m, c) => Math.sqrt(clip.reduce((s, f) => s + ((f[c] as number) - m) ** 2, 0) / t));
    return [...mean, ...std];
  }

  it('outputs the per-channel mean ‖ population std over time', () => {
    const layer = new StatsPooling1D({ name: 'pool' });
    const out = tf.tidy(() => (layer.apply(tf.tensor3d(values)) as tf.Tensor).arraySync() as number[][]);
    expect(layer.computeOutputShape([null, 4, 3])).toEqual([null, 6]);
    expect(out).toHaveLength(2);
    out.forEach((row, i) => {
      const expected = byHand(values[i] as number[][]);
      expect(row).toHaveLength(6);
      // The constant channel's std is sqrt(epsilon) = 1e-3 rather than 0.
      row.forEach((v, c) => expect(Math.abs(v - (i === 0 && c === 5 ? Math.sqrt(1e-6) : (expected[c] as number)))).toBeLessThan(1e-5));
    });
    expect(byHand(values[0] as number[][]).slice(0, 3)).toEqual([2, 1, 5]);
  });

  it('has finite gradients, also for a constant channel', () => {
    const layer = new StatsPooling1D();
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(layer.apply(x) as tf.Tensor))(tf.tensor3d(values)).dataSync());
    expect(Array.from(g).every(Number.isFinite)).toBe(true);
  });

  it.each(['cnn', 'lstm'] as const)('%s: saving and loading (topology JSON + weights) preserves predictions', async (name) => {
    const model = buildModel(name, spec(name, { nClasses: 6 }));
    compileForTraining(model, 1e-3);
    const x = tf.randomNormal([6, 130, 104], 0, 1, 'float32', 4);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5], 'int32'), 6);
    await model.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0 }); // moves the batch-norm statistics off their initial values
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    // Through a JSON string, as model.json is written, so the layer's config must serialise.
    const topology = JSON.parse(JSON.stringify(artifacts?.modelTopology)) as object;
    expect(JSON.stringify(topology)).toContain('EmotionStudioStatsPooling1D');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory({ ...artifacts, modelTopology: topology }));
    expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
    tf.dispose([x, y]);
    model.dispose();
    loaded.dispose();
  });
});

describe('compileForTraining', () => {
  it('compiles with Adam at the given rate; the rate can be changed in place', async () => {
    const model = buildModel('advanced_dnn', spec('advanced_dnn', {}, configWith({ hidden_layers: [8], dropout_rates: [] })));
    expect(() => getLearningRate(model)).toThrow(/compileForTraining first/);
    compileForTraining(model, 0.01);
    expect(model.optimizer.getClassName()).toBe('Adam');
    expect(getLearningRate(model)).toBe(0.01);
    setLearningRate(model, 0.005);
    expect(getLearningRate(model)).toBe(0.005);
    expect(() => setLearningRate(model, 0)).toThrow(/positive number/);
    expect(() => compileForTraining(model, Number.NaN)).toThrow(/positive number/);
    // A vanishing rate freezes the weights: the optimizer reads the new value at each step.
    setLearningRate(model, 1e-30);
    const before = flatWeights(model);
    const x = tf.randomNormal([4, 402]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 8);
    await model.trainOnBatch(x, y);
    const after = flatWeights(model);
    // Batch-norm moving statistics move regardless; trainable kernels must not.
    const kernel = model.getLayer('dense_1').getWeights()[0]?.dataSync();
    expect(kernel).toEqual(before.slice(0, kernel?.length));
    expect(after.length).toBe(before.length);
    tf.dispose([x, y]);
  });
});
