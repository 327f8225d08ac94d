/**
 * The architectures by config name (`model.name`), and the helpers the trainer needs around them.
 *
 * The registry only builds: the trainer picks the backend (electron/core/training/backend.ts) before
 * calling `buildModel`, compiles with `compileForTraining`, and standardises inputs.
 */
import * as tf from '@tensorflow/tfjs';
import type { Config } from '../shared/config';
import { CNN_MODEL } from './cnn';
import { DNN_MODEL } from './dnn';
import { LSTM_MODEL } from './lstm';
import { trainingModelOf } from './layers';
import { LOGREG_MODEL } from './logreg';
import { SVM_MODEL } from './svm';
import type { ClassicalModelDefinition, ModelBuildSpec, ModelDefinition, ModelName } from './types';

export type { ClassicalFitData, ClassicalFitSpec, ClassicalModelDefinition, ModelArchConfig, ModelBuildSpec, ModelDefinition, ModelInput, ModelName, NeuralModelDefinition } from './types';

export const MODEL_REGISTRY: Readonly<Record<ModelName, ModelDefinition>> = Object.freeze({
  advanced_dnn: DNN_MODEL,
  cnn: CNN_MODEL,
  lstm: LSTM_MODEL,
  logreg: LOGREG_MODEL,
  svm: SVM_MODEL,
});

export function getModelDefinition(name: ModelName): ModelDefinition {
  const definition = Object.hasOwn(MODEL_REGISTRY, name) ? MODEL_REGISTRY[name] : undefined;
  if (definition === undefined) {
    throw new Error(`Unknown model ${JSON.stringify(name)} (known: ${Object.keys(MODEL_REGISTRY).join(', ')})`);
  }
  return definition;
}

/** A new, uncompiled model of the neural architecture `name` (classical models are fitted, not built: `fit`). */
export function buildModel(name: ModelName, spec: ModelBuildSpec): tf.LayersModel {
  const definition = getModelDefinition(name);
  if (definition.build === undefined) throw new Error(`${name} is fitted to convergence, not built and trained in epochs: use its definition's fit()`);
  return definition.build(spec);
}

/** True for the models fitted in one call (logreg, svm) rather than trained in epochs. */
export function isClassical(definition: ModelDefinition): definition is ClassicalModelDefinition {
  return definition.fit !== undefined;
}

/** The build spec a config implies, for an input of `inputShape` and `nClasses` emotions. */
export function modelSpecFromConfig(config: Config, inputShape: number[], nClasses: number): ModelBuildSpec {
  return {
    inputShape,
    nClasses,
    config: { ...config.model, l2: config.training.l2, batchNorm: config.training.batch_norm },
    seed: config.training.seed,
  };
}

/**
 * Adam + categorical cross-entropy + accuracy (tfjs reports it as `acc` / `val_acc` in the history).
 * The reported loss includes the L2 penalties.
 */
export function compileForTraining(model: tf.LayersModel, learningRate: number): void {
  if (!(model instanceof tf.LayersModel)) throw new TypeError('compileForTraining: model must be a tf.LayersModel');
  checkLearningRate(learningRate);
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  // An ensemble is fitted through its multi-output twin (one cross-entropy per tower, summed), which
  // shares every layer with `model`; `model` itself is only evaluated.
  const trainer = trainingModelOf(model);
  if (trainer !== model) trainer.compile({ optimizer: tf.train.adam(learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
}

/** The optimizer's current learning rate (for a ReduceLROnPlateau-style schedule). */
export function getLearningRate(model: tf.LayersModel): number {
  return adamOf(trainingModelOf(model), 'getLearningRate').learningRate;
}

/** Changes the learning rate in place; Adam reads it afresh at every step, and its moments are kept. */
export function setLearningRate(model: tf.LayersModel, learningRate: number): void {
  checkLearningRate(learningRate);
  adamOf(model, 'setLearningRate').learningRate = learningRate;
  const trainer = trainingModelOf(model);
  if (trainer !== model) adamOf(trainer, 'setLearningRate').learningRate = learningRate;
}

function checkLearningRate(learningRate: number): void {
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate <= 0) {
    throw new RangeError(`learning rate must be a positive number, got ${String(learningRate)}`);
  }
}

/** tfjs declares `learningRate` protected; the Adam optimizer reads it at every step, so it is safe to set. */
function adamOf(model: tf.LayersModel, caller: string): { learningRate: number } {
  const optimizer = model.optimizer as tf.Optimizer | undefined;
  // Not `instanceof AdamOptimizer`: tfjs's Optimizer[Symbol.hasInstance] accepts any optimizer (and throws on undefined).
  if (optimizer == null || optimizer.getClassName() !== 'Adam') throw new Error(`${caller}: compile the model with compileForTraining first`);
  return optimizer as unknown as { learningRate: number };
}
