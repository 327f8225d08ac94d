/**
 * Seconds per training epoch of each architecture at RAVDESS scale (not a test: run it by hand).
 *
 *   npx tsx tests/models/measureEpochs.ts [auto|wasm|cpu|tensorflow] [advanced_dnn|cnn|lstm ...]
 *
 * 1440 examples, batch 32, DEFAULT_CONFIG (its hidden layers, batch norm, dropout and L2; printed):
 * the DNN on 402-value stats vectors, the CNN and LSTM on 130 frames × 104 channels. Inputs are
 * random; the time per epoch does not depend on the values. Epoch 1 includes one-off set-up
 * (kernel compilation, weight packing), so the steady-state figure is the mean of the later epochs.
 */
import { selectBackend, tf, type BackendPreference } from '../../electron/core/training/backend';
import { buildModel, compileForTraining, modelSpecFromConfig, MODEL_REGISTRY, type ModelName } from '../../models/registry';
import { DEFAULT_CONFIG } from '../../shared/config';

const N = 1440;
const FRAMES = 130;
const CHANNELS = 104;
const STATS = 402;
const CLASSES = 8;
const EPOCHS = 3;

const [preference = 'auto', ...names] = process.argv.slice(2);
const selection = await selectBackend(preference as BackendPreference);
console.log(`backend: ${selection.reason}`);
console.log(`model config: ${JSON.stringify(DEFAULT_CONFIG.model)}, l2 ${DEFAULT_CONFIG.training.l2}, batch norm ${DEFAULT_CONFIG.training.batch_norm}`);

for (const name of (names.length > 0 ? names : Object.keys(MODEL_REGISTRY)) as ModelName[]) {
  const definition = MODEL_REGISTRY[name];
  const inputShape = definition.input === 'stats' ? [STATS] : [FRAMES, CHANNELS];
  const model = buildModel(name, modelSpecFromConfig(DEFAULT_CONFIG, inputShape, CLASSES));
  compileForTraining(model, DEFAULT_CONFIG.training.learning_rate);
  const x = tf.randomNormal([N, ...inputShape]);
  const y = tf.oneHot(tf.randomUniform([N], 0, CLASSES, 'int32'), CLASSES);
  const seconds: number[] = [];
  let start = performance.now();
  await model.fit(x, y, {
    epochs: EPOCHS,
    batchSize: 32,
    verbose: 0,
    callbacks: {
      onEpochEnd: () => {
        seconds.push((performance.now() - start) / 1000);
        start = performance.now();
      },
    },
  });
  const steady = seconds.slice(1).reduce((a, b) => a + b, 0) / Math.max(1, seconds.length - 1);
  console.log(
    `${name.padEnd(12)} ${String(model.countParams()).padStart(8)} params  ` +
      `epoch 1 ${seconds[0]?.toFixed(2)} s, then ${steady.toFixed(2)} s/epoch  (${selection.backend})`,
  );
  tf.dispose([x, y]);
  model.dispose();
}
