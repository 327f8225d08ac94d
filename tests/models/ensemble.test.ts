/**
 * The training-only regularisers built into the layers (models/layers.ts): Gaussian input noise
 * (`model.input_noise`) and seed ensembles (`model.ensemble`: towers in one layers model whose output
 * is the mean of their softmaxes, trained through a multi-output twin).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../electron/core/training/backend';
import { trainingModelOf } from '../../models/layers';
import { buildModel, compileForTraining, getLearningRate, modelSpecFromConfig, setLearningRate, type ModelName } from '../../models/registry';
import { parseConfig, type Config } from '../../shared/config';

beforeAll(async () => {
  await selectBackend();
});

function configWith(model: object, training: object = {}): Config {
  const parsed = parseConfig({ model, training });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.config;
}

const shapeOf = (name: ModelName): number[] => (name === 'advanced_dnn' ? [402] : [32, 104]);
const build = (name: ModelName, model: object, training: object = {}): tf.LayersModel =>
  buildModel(name, modelSpecFromConfig(configWith({ name, hidden_layers: [16], dropout_rates: [0.2], ...model }, training), shapeOf(name), 6));
const inputs = (name: ModelName, n: number): tf.Tensor => tf.randomNormal([n, ...shapeOf(name)], 0, 1, 'float32', 7);

describe('model.ensemble', () => {
  it.each(['advanced_dnn', 'cnn', 'lstm'] as const)('%s: the output is the mean of the towers’ softmaxes', (name) => {
    const model = build(name, { ensemble: 3 });
    const twin = trainingModelOf(model);
    expect(twin).not.toBe(model);
    expect(twin.outputs).toHaveLength(3);
    const x = inputs(name, 5);
    const mean = model.predict(x) as tf.Tensor;
    const towers = twin.predict(x) as tf.Tensor[];
    const expected = tf.addN(towers).div(3);
    expect(mean.shape).toEqual([5, 6]);
    expect(Array.from(mean.dataSync())).toEqual(Array.from(expected.dataSync()).map((v) => expect.closeTo(v, 6) as unknown as number));
    // Rows are still distributions, and the towers are independently initialised (they disagree).
    for (const s of Array.from(mean.sum(1).dataSync())) expect(s).toBeCloseTo(1, 5);
    expect(tf.max(tf.abs(towers[0]!.sub(towers[1]!))).dataSync()[0]).toBeGreaterThan(1e-3);
    // The twin shares the inference model's layers: one set of weights.
    expect(twin.getWeights().length).toBe(model.getWeights().length);
    model.dispose();
  });

  it('one tower is exactly the plain architecture: no twin, no prefixes, no averaging layer', () => {
    const one = build('advanced_dnn', { ensemble: 1, input_noise: 0 });
    expect(trainingModelOf(one)).toBe(one);
    expect(one.layers.map((l) => l.name)).toEqual(['stats', 'dense_1', 'bn_1', 'relu_1', 'dropout_1', 'emotion']);
    const three = build('advanced_dnn', { ensemble: 3, input_noise: 0 });
    expect(three.layers.map((l) => l.name).filter((n) => n.includes('t2_'))).toEqual(['dense_t2_1', 'bn_t2_1', 'relu_t2_1', 'dropout_t2_1', 't2_emotion']);
    expect(three.layers.at(-1)?.getClassName()).toBe('Average');
  });

  it('compiles both models; the learning rate is set on the optimizer that steps', () => {
    const model = build('advanced_dnn', { ensemble: 2 });
    compileForTraining(model, 0.01);
    setLearningRate(model, 0.002);
    expect(getLearningRate(model)).toBe(0.002);
    expect((trainingModelOf(model).optimizer as unknown as { learningRate: number }).learningRate).toBe(0.002);
  });

  it('saves and loads as one layers model that predicts the same', async () => {
    const model = build('advanced_dnn', { ensemble: 3, input_noise: 0.2 });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    const x = inputs('advanced_dnn', 4);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });
});

describe('model.input_noise', () => {
  it.each(['advanced_dnn', 'cnn', 'lstm'] as const)('%s: noise while training, none at inference', (name) => {
    const model = build(name, { input_noise: 0.5 }, { batch_norm: false });
    expect(model.layers.some((l) => l.getClassName() === 'GaussianNoise')).toBe(true);
    const x = inputs(name, 4);
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = (model.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b)); // inference is deterministic
    // The same input in training mode passes through the noise: outputs move (dropout is 0 here).
    const noDropout = build(name, { input_noise: 0.5, dropout_rates: [0] }, { batch_norm: false });
    const clean = (noDropout.predict(x) as tf.Tensor).dataSync();
    const trainingOut = (noDropout.apply(x, { training: true }) as tf.Tensor).dataSync();
    expect(Math.max(...Array.from(clean).map((v, i) => Math.abs(v - (trainingOut[i] as number))))).toBeGreaterThan(1e-3);
  });

  it('0 adds no layer', () => {
    expect(build('advanced_dnn', { input_noise: 0 }).layers.some((l) => l.getClassName() === 'GaussianNoise')).toBe(false);
  });

  it('rejects a negative value, naming the key', () => {
    expect(parseConfig({ model: { input_noise: -1 } }).ok).toBe(false);
    expect(() => buildModel('advanced_dnn', { ...modelSpecFromConfig(configWith({}), [402], 6), config: { ...modelSpecFromConfig(configWith({}), [402], 6).config, input_noise: -1 } })).toThrow(/model\.input_noise/);
    expect(() => buildModel('advanced_dnn', { ...modelSpecFromConfig(configWith({}), [402], 6), config: { ...modelSpecFromConfig(configWith({}), [402], 6).config, ensemble: 0 } })).toThrow(/model\.ensemble/);
  });
});
