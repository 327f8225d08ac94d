/**
 * The Train form's model: every config key the form edits, the text/boolean value each input holds,
 * and the conversions between those values and a config. Validation is the engine's own schema
 * (`configSchema`), run on every keystroke; its issues are routed to the field they concern.
 */
import YAML from 'yaml';
import { configYaml } from '../../lib/configYaml';
import { CLASSICAL_MODEL_NAMES, configSchema, describeConfigIssues, MODEL_NAMES, parseConfig, SEQUENCE_GROUP_NAMES, type Config, type ModelName } from '../../../../shared/config';
import { EMOTION_BY_CODE, EMOTIONS } from '../../../../shared/ravdess';

export type SectionId = 'model' | 'optimisation' | 'split' | 'emotions' | 'audio';

export const SECTIONS: ReadonlyArray<{ id: SectionId; title: string }> = [
  { id: 'model', title: 'Model' },
  { id: 'optimisation', title: 'Optimisation' },
  { id: 'split', title: 'Split' },
  { id: 'emotions', title: 'Emotions' },
  { id: 'audio', title: 'Audio and features' },
];

/**
 * How an input's value becomes a config value:
 * - `number`: a number field; empty or non-numeric text is passed as text so the schema names it.
 * - `nullableNumber`: like `number`, but empty means `null` (e.g. no pre-emphasis).
 * - `list`: comma- or space-separated numbers (layer sizes, dropout rates).
 * - `actors`: like `list`, but empty means `null` (pick actors by fraction).
 * - `select`, `bool`: as they are. `emotions`: the checked RAVDESS codes.
 * - `groups`: the checked `options`, in the options' order (a list of names).
 */
export type FieldKind = 'number' | 'nullableNumber' | 'list' | 'actors' | 'select' | 'bool' | 'emotions' | 'groups';

export interface FieldSpec {
  /** The config key as a dotted path, e.g. `training.epochs`. */
  key: string;
  label: string;
  kind: FieldKind;
  section: SectionId;
  options?: readonly string[];
  step?: string;
  hint?: string;
  /** Shown only when this holds (e.g. `k` only for the k-fold split). */
  when?: (values: FormValues) => boolean;
}

export type FieldValue = string | boolean | readonly string[];
export type FormValues = Readonly<Record<string, FieldValue>>;

const splitIs =
  (...kinds: string[]) =>
  (v: FormValues): boolean =>
    kinds.includes(String(v['training.split']));

const neural = (v: FormValues): boolean => !CLASSICAL_MODEL_NAMES.includes(v['model.name'] as ModelName);
const sequenceModel = (v: FormValues): boolean => v['model.name'] === 'cnn' || v['model.name'] === 'lstm';

export const FIELDS: readonly FieldSpec[] = [
  { key: 'model.name', label: 'Architecture', kind: 'select', section: 'model', options: MODEL_NAMES },
  { key: 'model.hidden_layers', label: 'Hidden layers', kind: 'list', section: 'model', hint: 'units per layer, e.g. 256, 128, 64', when: neural },
  { key: 'model.dropout_rates', label: 'Dropout rates', kind: 'list', section: 'model', hint: 'one per hidden layer, or empty for none', when: neural },
  { key: 'training.batch_norm', label: 'Batch normalisation', kind: 'bool', section: 'model', when: neural },
  { key: 'training.l2', label: 'L2 weight decay', kind: 'number', section: 'model', step: 'any', when: neural },
  { key: 'model.input_noise', label: 'Input noise (σ)', kind: 'number', section: 'model', step: 'any', hint: 'Gaussian noise on the standardised inputs while training; 0 = none', when: neural },
  { key: 'model.ensemble', label: 'Ensemble size', kind: 'number', section: 'model', step: '1', hint: 'independently initialised networks, softmaxes averaged; 1 = one network', when: neural },
  {
    key: 'training.ensemble_validation',
    label: 'Ensemble validation',
    kind: 'select',
    section: 'model',
    options: ['rotate', 'shared'],
    hint: 'rotate: each network stops on its own group of the non-test actors and trains on the rest; shared: all stop on the validation actors',
    when: (v) => neural(v) && Number(v['model.ensemble']) >= 2,
  },
  {
    key: 'model.C',
    label: 'C (inverse regularisation)',
    kind: 'number',
    section: 'model',
    step: 'any',
    hint: "scikit-learn's C: larger means a weaker penalty",
    when: (v) => !neural(v),
  },
  {
    key: 'model.gamma',
    label: 'RBF gamma',
    kind: 'number',
    section: 'model',
    step: 'any',
    hint: "'scale' = 1 / (features · variance), or a positive number",
    when: (v) => v['model.name'] === 'svm',
  },

  { key: 'training.epochs', label: 'Epochs', kind: 'number', section: 'optimisation', step: '1', when: neural },
  { key: 'training.batch_size', label: 'Batch size', kind: 'number', section: 'optimisation', step: '1', when: neural },
  { key: 'training.learning_rate', label: 'Learning rate', kind: 'number', section: 'optimisation', step: 'any', when: neural },
  { key: 'training.lr_schedule.factor', label: 'LR reduce factor', kind: 'number', section: 'optimisation', step: 'any', hint: 'on a validation-loss plateau', when: neural },
  { key: 'training.lr_schedule.patience', label: 'LR patience (epochs)', kind: 'number', section: 'optimisation', step: '1', when: neural },
  { key: 'training.lr_schedule.min_lr', label: 'Minimum LR', kind: 'number', section: 'optimisation', step: 'any', when: neural },
  { key: 'training.early_stopping.patience', label: 'Early-stopping patience', kind: 'number', section: 'optimisation', step: '1', when: neural },
  {
    key: 'training.early_stopping.smoothing',
    label: 'Validation-loss smoothing',
    kind: 'number',
    section: 'optimisation',
    step: 'any',
    hint: 'early stopping watches a moving average of the validation loss; 0 = the raw loss',
    when: neural,
  },
  { key: 'training.label_smoothing', label: 'Label smoothing (ε)', kind: 'number', section: 'optimisation', step: 'any', when: neural },
  { key: 'training.mixup', label: 'Mixup α', kind: 'number', section: 'optimisation', step: 'any', hint: '0 = none', when: neural },
  { key: 'training.class_weights', label: 'Balanced class weights', kind: 'bool', section: 'optimisation' },
  { key: 'training.seed', label: 'Seed', kind: 'number', section: 'optimisation', step: '1' },

  {
    key: 'training.split',
    label: 'Split',
    kind: 'select',
    section: 'split',
    options: ['actor', 'actor_kfold', 'stratified'],
    hint: 'actor splits hold speakers out; stratified is speaker-dependent (optimistic)',
  },
  { key: 'training.test_actors', label: 'Test actors', kind: 'actors', section: 'split', hint: 'e.g. 21, 22, 23, 24; empty = by fraction', when: splitIs('actor') },
  { key: 'training.validation_actors', label: 'Validation actors', kind: 'actors', section: 'split', hint: 'empty = by fraction', when: splitIs('actor') },
  { key: 'training.test_fraction', label: 'Test fraction', kind: 'number', section: 'split', step: 'any', when: splitIs('actor', 'stratified') },
  { key: 'training.validation_fraction', label: 'Validation fraction', kind: 'number', section: 'split', step: 'any' },
  { key: 'training.k', label: 'Folds (k)', kind: 'number', section: 'split', step: '1', when: splitIs('actor_kfold') },
  {
    key: 'training.kfold_model',
    label: 'Deployed model',
    kind: 'select',
    section: 'split',
    options: ['ensemble', 'refit'],
    hint: 'for new audio: the mean of the fold models, or one model refit on every actor (indexed clips always get the fold that held their actor out)',
    when: splitIs('actor_kfold'),
  },

  {
    key: 'features.speaker_normalization',
    label: 'Speaker normalisation',
    kind: 'select',
    section: 'split',
    options: ['per_actor', 'none'],
    hint: "per_actor: each clip standardised by its own actor's statistics (all their clips, no labels); files of unknown speakers fall back to the global statistics",
  },

  { key: 'data.emotions', label: 'Emotions', kind: 'emotions', section: 'emotions' },

  { key: 'data.sampling_rate', label: 'Sample rate (Hz)', kind: 'number', section: 'audio', step: '1' },
  { key: 'data.duration', label: 'Duration (s)', kind: 'number', section: 'audio', step: 'any' },
  { key: 'data.offset', label: 'Offset (s)', kind: 'number', section: 'audio', step: 'any' },
  { key: 'data.pre_emphasis', label: 'Pre-emphasis', kind: 'nullableNumber', section: 'audio', step: 'any', hint: 'empty for none' },
  { key: 'data.normalize', label: 'Normalisation', kind: 'select', section: 'audio', options: ['none', 'peak', 'rms'] },
  { key: 'features.n_mfcc', label: 'MFCCs', kind: 'number', section: 'audio', step: '1' },
  { key: 'features.include_delta', label: 'MFCC Δ and ΔΔ', kind: 'bool', section: 'audio' },
  { key: 'features.mfcc_n_mels', label: 'Mel bands under the MFCC', kind: 'number', section: 'audio', step: '1' },
  { key: 'features.n_mels', label: 'Log-mel bands', kind: 'number', section: 'audio', step: '1' },
  {
    key: 'features.sequence',
    label: 'Frame features (sequence models)',
    kind: 'groups',
    section: 'audio',
    options: SEQUENCE_GROUP_NAMES,
    hint: 'the per-frame channels cnn and lstm read: deltas = MFCC Δ and ΔΔ, spectral = centroid, rolloff, bandwidth, temporal = ZCR and RMS',
    when: sequenceModel,
  },
  { key: 'features.n_fft', label: 'FFT size', kind: 'number', section: 'audio', step: '1' },
  { key: 'features.hop_length', label: 'Hop length', kind: 'number', section: 'audio', step: '1' },
];

export const EMOTION_CHOICES = EMOTIONS.map((name, i) => ({ code: String(i + 1).padStart(2, '0'), name }));

function get(obj: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), obj);
}

function set(obj: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let at = obj;
  for (const part of parts.slice(0, -1)) {
    const next = at[part];
    if (typeof next !== 'object' || next === null) at[part] = {};
    at = at[part] as Record<string, unknown>;
  }
  at[parts.at(-1) as string] = value;
}

const formatList = (list: readonly number[]): string => list.join(', ');

/** The form's values for a config. */
export function valuesFromConfig(config: Config): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  for (const field of FIELDS) {
    const v = get(config, field.key);
    switch (field.kind) {
      case 'bool':
        values[field.key] = v === true;
        break;
      case 'emotions':
        values[field.key] = Object.keys(v as Record<string, string>).sort();
        break;
      case 'groups':
        values[field.key] = Array.isArray(v) ? (v as string[]).map(String) : [];
        break;
      case 'list':
      case 'actors':
        values[field.key] = Array.isArray(v) ? formatList(v as number[]) : '';
        break;
      default:
        values[field.key] = v === null || v === undefined ? '' : String(v);
    }
  }
  return values;
}

/** A typed number, or the text itself (so the schema reports "got "abc", expected a number"). */
function numberOrText(text: string): number | string {
  const t = text.trim();
  if (t === '') return t;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

const listItems = (text: string): Array<number | string> =>
  text
    .split(/[\s,;]+/)
    .filter((item) => item !== '')
    .map(numberOrText);

/** The raw config object the values describe (unvalidated). */
export function configInputFromValues(values: FormValues): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const v = values[field.key];
    const text = typeof v === 'string' ? v : '';
    switch (field.kind) {
      case 'number':
        set(input, field.key, numberOrText(text));
        break;
      case 'nullableNumber':
        set(input, field.key, text.trim() === '' ? null : numberOrText(text));
        break;
      case 'list':
        set(input, field.key, listItems(text));
        break;
      case 'actors':
        set(input, field.key, text.trim() === '' ? null : listItems(text));
        break;
      case 'bool':
        set(input, field.key, v === true);
        break;
      case 'emotions': {
        const codes = Array.isArray(v) ? [...(v as readonly string[])].sort() : [];
        set(input, field.key, Object.fromEntries(codes.map((code) => [code, EMOTION_BY_CODE[code] ?? code])));
        break;
      }
      case 'groups': {
        const checked = Array.isArray(v) ? (v as readonly string[]) : [];
        set(input, field.key, (field.options ?? []).filter((o) => checked.includes(o)));
        break;
      }
      default:
        set(input, field.key, text);
    }
  }
  return input;
}

export interface FormValidation {
  /** The validated config, when every field is valid. */
  config: Config | null;
  /** Messages per field key. */
  fieldErrors: Record<string, string[]>;
  /** Problems no field owns. */
  otherErrors: string[];
}

/** The field a schema issue's path belongs to: the longest field key that is a prefix of it. */
function fieldOf(path: string): FieldSpec | undefined {
  let best: FieldSpec | undefined;
  for (const field of FIELDS) {
    if ((path === field.key || path.startsWith(`${field.key}.`)) && (!best || field.key.length > best.key.length)) best = field;
  }
  return best;
}

/** Validate the form with the engine's schema; each message drops the key its field already shows. */
export function validateValues(values: FormValues): FormValidation {
  const input = configInputFromValues(values);
  const parsed = configSchema.safeParse(input);
  if (parsed.success) return { config: parsed.data, fieldErrors: {}, otherErrors: [] };
  const fieldErrors: Record<string, string[]> = {};
  const otherErrors: string[] = [];
  for (const issue of parsed.error.issues) {
    const at = issue.path.map(String).join('.');
    const field = fieldOf(at);
    for (const message of describeConfigIssues([issue], input)) {
      if (!field) {
        otherErrors.push(message);
        continue;
      }
      // "model.hidden_layers.1: got 0, …" → "item 2: got 0, …"; "training.epochs: got 0, …" → "got 0, …".
      const rest = at.slice(field.key.length + 1);
      const text = message.startsWith(`${at}: `) ? message.slice(at.length + 2) : message;
      const item = /^\d+$/.test(rest) ? `item ${Number(rest) + 1}: ` : '';
      (fieldErrors[field.key] ??= []).push(`${item}${text}`);
    }
  }
  return { config: null, fieldErrors, otherErrors };
}

export const YAML_HEADER = '# Emotion Studio experiment configuration (saved from the Train view).\n';

/** The YAML a config saves as: the seed's key layout, loadable by `emotion-studio train --config`. */
export function configToYamlText(config: Config): string {
  return YAML_HEADER + configYaml(config);
}

export type YamlLoad = { ok: true; config: Config } | { ok: false; error: string };

/** Parse a YAML config file's text; errors name the file. */
export function configFromYamlText(text: string, fileName: string): YamlLoad {
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (err) {
    return { ok: false, error: `${fileName}: not valid YAML: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}` };
  }
  const parsed = parseConfig(raw);
  return parsed.ok ? { ok: true, config: parsed.config } : { ok: false, error: `${fileName}: ${parsed.errors.join('; ')}` };
}
