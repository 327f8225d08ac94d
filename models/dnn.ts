/**
 * `advanced_dnn`: the seed project's dense network over one clip's feature statistics (the mean and
 * population std of every per-frame feature dimension, `stats` in extract.ts: 2 × dims values).
 *
 * stats → [GaussianNoise(input_noise)] → [Dense(hidden_layers[i]) → BatchNorm → ReLU → Dropout(dropout_rates[i])] × n
 *   → softmax; with `model.ensemble` = N > 1, N such towers (each its own noise, seeds and weights) whose
 *   softmaxes are averaged.
 * Without batch norm each Dense carries its own bias and a fused ReLU; with an empty `dropout_rates`
 * there are no dropout layers; `l2` penalises every hidden kernel (not the softmax layer).
 */
import * as tf from '@tensorflow/tfjs';
import { checkSpec, denseBlock, ensembleModel, inputNoise, softmaxOutput } from './layers';
import type { ModelBuildSpec, ModelDefinition } from './types';

export function buildDnn(spec: ModelBuildSpec): tf.LayersModel {
  const [dims] = checkSpec('advanced_dnn', spec, 1, '[2 × feature dims] (the per-clip stats vector)');
  const { hidden_layers: hidden, dropout_rates: dropout, l2, batchNorm } = spec.config;

  const input = tf.input({ name: 'stats', shape: [dims as number] });
  return ensembleModel('advanced_dnn', input, spec, (stats, { prefix, nextSeed }) => {
    let x = inputNoise(stats, spec, prefix);
    hidden.forEach((units, i) => {
      x = denseBlock(x, { units, dropout: dropout[i] ?? 0, l2, batchNorm, seed: nextSeed(), id: `${prefix}${i + 1}` });
    });
    return softmaxOutput(x, spec.nClasses, nextSeed(), prefix);
  });
}

export const DNN_MODEL: ModelDefinition = {
  name: 'advanced_dnn',
  input: 'stats',
  build: buildDnn,
  describe: () =>
    'Dense network on each clip’s feature statistics (mean and standard deviation of every feature over ' +
    'the clip). One Dense layer per entry of model.hidden_layers, each followed by batch normalisation ' +
    '(training.batch_norm), ReLU and dropout (model.dropout_rates); L2 weight decay (training.l2) on the ' +
    'hidden layers; softmax over the emotions. Gaussian noise of model.input_noise standard deviations on the ' +
    'standardised inputs while training; model.ensemble such networks, independently initialised and trained, ' +
    'whose probabilities are averaged.',
};
