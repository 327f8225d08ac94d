/**
 * The contract between the model architectures, the registry and the trainer.
 *
 * A model never sees a Config file: the trainer hands it a `ModelBuildSpec` (shapes, the `model`
 * section of the config plus the two training settings that shape layers, and the seed). Models
 * expect standardised inputs — per-dimension z-scores computed on the training split — because the
 * raw features mix decibels, hertz and counts; standardising (and saving the mean/std with the model)
 * is the trainer's job.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Config, ModelName } from '../shared/config';

export type { ModelName };

/** What a model reads from an extracted clip (see electron/core/features/extract.ts). */
export type ModelInput = 'stats' | 'sequence';

/** `config.model` plus the layer-shaping training settings (`training.l2`, `training.batch_norm`). */
export type ModelArchConfig = Config['model'] & {
  /** L2 penalty on hidden kernels (0 = none). */
  l2: number;
  /** Dense/Conv → BatchNorm → ReLU instead of Dense/Conv with a fused ReLU. */
  batchNorm: boolean;
};

export interface ModelBuildSpec {
  /**
   * One example's shape without the batch axis: `[2 × dims]` for 'stats' models,
   * `[frames, channels]` for 'sequence' models.
   */
  inputShape: number[];
  /** Number of emotions (softmax width), ≥ 2. */
  nClasses: number;
  config: ModelArchConfig;
  /** Seeds every initialiser: the same seed and spec build identical initial weights. */
  seed: number;
}

interface ModelDefinitionBase {
  name: ModelName;
  input: ModelInput;
  /** One paragraph for the UI and run records: what the architecture is and which settings it uses. */
  describe(): string;
}

/** A network trained in epochs by the trainer's loop (electron/core/training/fit.ts). */
export interface NeuralModelDefinition extends ModelDefinitionBase {
  /** A new, uncompiled model. Throws a message naming the offending field for an invalid spec. */
  build(spec: ModelBuildSpec): tf.LayersModel;
  fit?: never;
}

/** Standardised training rows for a classical model: n × dims, row-major, labels 0…K−1. */
export interface ClassicalFitData {
  x: Float32Array;
  labels: Int32Array;
  dims: number;
}

export interface ClassicalFitSpec {
  nClasses: number;
  config: Config['model'];
  /** `training.class_weights`: scikit-learn's class_weight='balanced'. */
  balanced: boolean;
  seed: number;
}

/** A classical model, fitted to convergence in one call (no epochs); the result is a ready layers model. */
export interface ClassicalModelDefinition extends ModelDefinitionBase {
  fit(data: ClassicalFitData, spec: ClassicalFitSpec): tf.LayersModel;
  build?: never;
}

export type ModelDefinition = NeuralModelDefinition | ClassicalModelDefinition;
