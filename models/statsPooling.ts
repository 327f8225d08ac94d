/**
 * Statistics pooling over time (the x-vector pooling of Snyder et al., 2018): [batch, time, channels]
 * → [batch, 2 · channels] = per-channel mean over time, then per-channel population standard deviation
 * over time (`std = sqrt(mean((x − mean)²) + epsilon)`), concatenated in that order.
 *
 * tfjs has a mean pooling layer but nothing for the standard deviation (and no elementwise sqrt layer
 * to compose one from), hence this small custom layer. It has no weights; gradients flow through the
 * tensor ops. The variance is computed in two passes (deviations from the mean) rather than as
 * E[x²] − E[x]², which loses precision in float32 when the mean is large against the spread.
 *
 * Registered with tfjs's serialisation under `className` so saved models that contain it load in any
 * process that imports this module (models/layers.ts does, and electron/core/training/modelIo.ts).
 */
import * as tf from '@tensorflow/tfjs';

export interface StatsPoolingArgs {
  name?: string;
  /** Added to the variance under the square root, so the gradient stays finite for a constant channel. */
  epsilon?: number;
}

export const STATS_POOLING_EPSILON = 1e-6;

export class StatsPooling1D extends tf.layers.Layer {
  static readonly className = 'EmotionStudioStatsPooling1D';
  readonly epsilon: number;

  constructor(args: StatsPoolingArgs = {}) {
    super({ name: args.name });
    this.epsilon = args.epsilon ?? STATS_POOLING_EPSILON;
    this.inputSpec = [{ ndim: 3 }];
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[2];
    return [shape[0] ?? null, channels == null ? null : 2 * channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const mean = tf.mean(x, 1, true);
      const variance = tf.mean(tf.square(tf.sub(x, mean)), 1);
      const std = tf.sqrt(tf.add(variance, this.epsilon));
      return tf.concat([tf.squeeze(mean, [1]), std], 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config as unknown as StatsPoolingArgs);
  }
}
tf.serialization.registerClass(StatsPooling1D);
