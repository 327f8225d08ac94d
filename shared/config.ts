/**
 * The experiment configuration: the seed project's `configs/default.yaml` keys, exactly as it wrote them
 * (snake_case), plus our extensions, each with a documented default. One zod schema validates YAML
 * files, the Train form and every IPC payload that carries a config.
 */
import { z } from 'zod';
import { EMOTION_BY_CODE, EMOTIONS, type Emotion } from './ravdess';

const emotionCode = z.string().regex(/^0[1-8]$/, 'a RAVDESS emotion code "01".."08"');

const dataSchema = z
  .object({
    /** Analysis sample rate in Hz (librosa's default 22050). */
    sampling_rate: z.number().int().min(8000).max(96000).default(22050),
    /** Seconds analysed per clip: pad or trim to exactly this. */
    duration: z.number().positive().max(60).default(3.0),
    /** RAVDESS code → name of the emotions to train on, in label order. */
    emotions: z
      .record(emotionCode, z.enum(EMOTIONS))
      .refine((m) => Object.keys(m).length >= 2, 'at least two emotions')
      .refine((m) => Object.entries(m).every(([code, name]) => EMOTION_BY_CODE[code] === name), {
        message: 'each code mapped to its RAVDESS name (01 neutral, 02 calm, 03 happy, 04 sad, 05 angry, 06 fearful, 07 disgust, 08 surprised)',
      })
      .default({ '01': 'neutral', '02': 'calm', '03': 'happy', '04': 'sad', '05': 'angry', '06': 'fearful' }),
    /** Extension: seconds skipped at the start (RAVDESS clips open with ~0.5–1 s of silence). */
    offset: z.number().min(0).max(60).default(0.5),
    /** Extension: pre-emphasis coefficient, or null for none. */
    pre_emphasis: z.number().min(0).lt(1).nullable().default(0.97),
    /** Extension: level normalisation before features. */
    normalize: z.enum(['none', 'peak', 'rms']).default('peak'),
  })
  .strict();

/**
 * The frame-level groups a sequence model (`cnn`, `lstm`) can read, in the order they lie in the feature
 * sequence: `deltas` is MFCC Δ and ΔΔ (needs `include_delta`), `spectral` the centroid, rolloff and
 * bandwidth, `temporal` the zero-crossing rate and RMS.
 */
export const SEQUENCE_GROUP_NAMES = ['mfcc', 'deltas', 'logmel', 'spectral', 'temporal', 'chroma'] as const;
export type SequenceGroupName = (typeof SEQUENCE_GROUP_NAMES)[number];

const featuresSchema = z
  .object({
    n_mfcc: z.number().int().min(1).max(128).default(40),
    /** Bands of the log-mel spectrogram feature. */
    n_mels: z.number().int().min(8).max(256).default(64),
    /** Append Δ and ΔΔ of the MFCC. */
    include_delta: z.boolean().default(true),
    /** Extension: mel bands the MFCC is computed from (librosa's default 128). */
    mfcc_n_mels: z.number().int().min(8).max(256).default(128),
    /** Extension: STFT size (power of two) and hop. */
    n_fft: z
      .number()
      .int()
      .refine((n) => n >= 256 && n <= 8192 && (n & (n - 1)) === 0, 'a power of two from 256 to 8192')
      .default(2048),
    hop_length: z.number().int().min(64).max(8192).default(512),
    /**
     * Extension: speaker normalisation. `per_actor` standardises each clip's model input by its actor's
     * own statistics (mean and std over all that actor's extracted clips, unlabelled) before the model's
     * scaler; a file of no known actor falls back to the training set's global statistics, and says so.
     */
    speaker_normalization: z.enum(['none', 'per_actor']).default('per_actor'),
    /**
     * Extension (`cnn`, `lstm`): the frame-level groups the sequence models see, one channel per
     * dimension, always in the sequence's own order (so the list's order does not matter). The stats
     * models always see every group's mean and std.
     */
    sequence: z
      .array(z.enum(SEQUENCE_GROUP_NAMES))
      .min(1)
      .refine((g) => new Set(g).size === g.length, 'each group at most once')
      .default(['mfcc', 'logmel']),
  })
  .strict()
  .refine((f) => f.n_mfcc <= f.mfcc_n_mels, { message: 'at most mfcc_n_mels (the MFCC is taken from that many mel bands)', path: ['n_mfcc'] })
  .refine((f) => f.include_delta || !f.sequence.includes('deltas'), { message: "'deltas' needs include_delta: true", path: ['sequence'] });

export const MODEL_NAMES = ['advanced_dnn', 'cnn', 'lstm', 'logreg', 'svm'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];
/** The models fitted to convergence in one call (no epochs, no layers to size); the rest train in epochs. */
export const CLASSICAL_MODEL_NAMES: readonly ModelName[] = ['logreg', 'svm'];

const modelSchema = z
  .object({
    name: z.enum(MODEL_NAMES).default('advanced_dnn'),
    hidden_layers: z.array(z.number().int().min(1).max(4096)).min(1).max(8).default([256]),
    dropout_rates: z.array(z.number().min(0).lt(1)).max(8).default([0.5]),
    /** Extension (`logreg`, `svm`): inverse regularisation strength, scikit-learn's `C` (its default, 1). */
    C: z.number().positive().max(1e6).default(1),
    /** Extension (`svm`): the RBF kernel's gamma; 'scale' = 1 / (n_features · var(X)), scikit-learn's default. */
    gamma: z.union([z.literal('scale'), z.number().positive().max(1e6)]).default('scale'),
    /**
     * Extension (neural models): standard deviation of Gaussian noise added to the standardised inputs
     * while training (z-score units; identity at inference). 0 = none.
     */
    input_noise: z.number().min(0).max(10).default(0.3),
    /**
     * Extension (neural models): independently initialised copies of the network ("towers") in one
     * model, each trained on its own loss; the prediction is the mean of their softmaxes. 1 = one net.
     */
    ensemble: z.number().int().min(1).max(16).default(5),
  })
  .strict()
  .refine((m) => m.dropout_rates.length === 0 || m.dropout_rates.length === m.hidden_layers.length, {
    message: 'one dropout rate per hidden layer (or none)',
    path: ['dropout_rates'],
  });

const actorList = z
  .array(z.number().int().min(1).max(24))
  .min(1)
  .refine((actors) => new Set(actors).size === actors.length, 'each actor at most once');

const trainingSchema = z
  .object({
    batch_size: z.number().int().min(1).max(4096).default(32),
    epochs: z.number().int().min(1).max(10000).default(100),
    learning_rate: z.number().positive().max(1).default(0.001),
    /** Extension: how clips are split. `actor` and `actor_kfold` hold speakers out; `stratified` does not. */
    split: z.enum(['actor', 'actor_kfold', 'stratified']).default('actor'),
    /** Extension (actor split): explicit held-out actors, or null to pick by fraction (both genders each). */
    test_actors: actorList.nullable().default(null),
    validation_actors: actorList.nullable().default(null),
    /** Fractions used when actors are not listed, and by the stratified split. */
    test_fraction: z.number().gt(0).lt(1).default(0.2),
    validation_fraction: z.number().gt(0).lt(1).default(0.1),
    /** Extension (actor_kfold): number of folds. */
    k: z.number().int().min(2).max(24).default(5),
    /**
     * Extension (actor_kfold): the experiment's deployable model — `ensemble`, the mean of the fold
     * models' probabilities, or `refit`, one more model trained on every actor. Either way every fold's
     * model is kept, and an indexed clip is always answered by the fold that held its actor out.
     */
    kfold_model: z.enum(['ensemble', 'refit']).default('ensemble'),
    /**
     * Extension (neural models with `model.ensemble` ≥ 2): `shared` — every tower trains on the training
     * actors and stops on the same validation actors; `rotate` — the run's training and validation
     * actors are pooled and dealt into `ensemble` groups (by actor; by clip on the stratified split),
     * tower k trains on every group but k, and early stopping watches each clip's loss under the towers
     * that held it out. Every non-test actor then trains most towers, and stopping is decided on all of them.
     */
    ensemble_validation: z.enum(['shared', 'rotate']).default('rotate'),
    l2: z.number().min(0).max(1).default(0.0001),
    batch_norm: z.boolean().default(true),
    /** Balanced class weights (RAVDESS neutral has half the clips of the others). */
    class_weights: z.boolean().default(true),
    /**
     * Extension: label smoothing ε of the training loss (targets (1 − ε)·one-hot + ε / classes); the
     * validation loss that early stopping watches is always the plain cross-entropy. 0 = none.
     */
    label_smoothing: z.number().min(0).lt(1).default(0),
    /**
     * Extension: mixup α — each training example is mixed with another, x = λ·xᵢ + (1 − λ)·xⱼ and the
     * same for the targets, λ ~ Beta(α, α) drawn afresh every epoch. 0 = none.
     */
    mixup: z.number().min(0).max(10).default(0),
    early_stopping: z
      .object({
        patience: z.number().int().min(1).max(1000).default(15),
        /**
         * Extension: early stopping, the kept weights and the plateau schedule follow an exponential
         * moving average of the validation loss, s = smoothing · s + (1 − smoothing) · loss, rather than
         * each epoch's value (a few validation actors make it noisy). 0 = the raw loss.
         */
        smoothing: z.number().min(0).lt(1).default(0.7),
      })
      .strict()
      .default({ patience: 15, smoothing: 0.7 }),
    lr_schedule: z
      .object({
        factor: z.number().gt(0).lt(1).default(0.5),
        patience: z.number().int().min(1).max(1000).default(5),
        min_lr: z.number().positive().default(1e-6),
      })
      .strict()
      .default({ factor: 0.5, patience: 5, min_lr: 1e-6 }),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
  })
  .strict()
  .refine(
    (t) => !t.test_actors || !t.validation_actors || t.test_actors.every((a) => !t.validation_actors?.includes(a)),
    { message: 'no actor that is also in test_actors', path: ['validation_actors'] },
  )
  .refine((t) => t.test_fraction + t.validation_fraction < 1, {
    message: 'a value that leaves clips for training (test_fraction + validation_fraction < 1)',
    path: ['validation_fraction'],
  });

export const configSchema = z
  .object({
    data: dataSchema.default(dataSchema.parse({})),
    features: featuresSchema.default(featuresSchema.parse({})),
    model: modelSchema.default(modelSchema.parse({})),
    training: trainingSchema.default(trainingSchema.parse({})),
  })
  .strict();

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type DataConfig = Config['data'];
export type FeaturesConfig = Config['features'];

/** The configured emotions in label order (sorted by RAVDESS code). */
export function configEmotions(config: Config): Emotion[] {
  return Object.entries(config.data.emotions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, name]) => name);
}

function describeValue(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * Human-readable problems, one per line: "Unknown key data.foo", or
 * "training.epochs: got -3, expected a number ≥ 1".
 */
export function describeConfigIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  return issues.flatMap((issue) => {
    const at = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `Unknown key ${at ? `${at}.` : ''}${key}`);
    }
    if (issue.code === 'invalid_key') {
      return [`${at}: key ${JSON.stringify(String(issue.path.at(-1)))} is invalid, expected ${issue.issues[0]?.message ?? 'a valid key'}`];
    }
    const value = valueAt(input, issue.path);
    const got = value === undefined ? 'nothing' : describeValue(value);
    let expected = issue.message;
    if (issue.code === 'too_small') expected = `a ${issue.origin === 'array' ? 'list with at least' : 'number'} ${issue.inclusive ? '≥' : '>'} ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : ''}`;
    else if (issue.code === 'too_big') expected = `a ${issue.origin === 'array' ? 'list with at most' : 'number'} ${issue.inclusive ? '≤' : '<'} ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : ''}`;
    else if (issue.code === 'invalid_type') expected = `${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}`;
    else if (issue.code === 'invalid_value') expected = `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    return [`${at || 'config'}: got ${got}, expected ${expected}`];
  });
}

export type ConfigParse = { ok: true; config: Config } | { ok: false; errors: string[] };

export function parseConfig(input: unknown): ConfigParse {
  const parsed = configSchema.safeParse(input ?? {});
  return parsed.success ? { ok: true, config: parsed.data } : { ok: false, errors: describeConfigIssues(parsed.error.issues, input) };
}

export const DEFAULT_CONFIG: Config = configSchema.parse({});
