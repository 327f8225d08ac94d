/**
 * Train / validation / test splits of the indexed clips.
 *
 * RAVDESS has 24 actors who each record every emotion, so a random clip split puts the same voice in
 * train and test and the model partly learns to recognise speakers: accuracy comes out optimistic. The
 * actor-based splits hold out whole actors (speaker-independent, the honest number); the stratified
 * split is kept for comparison with papers that use it and is flagged `speakerDependent: true` so the UI
 * can label it "speaker-dependent (optimistic)".
 *
 * Everything is a pure function of (clips, options, seed). Randomness comes from the seeded mulberry32
 * `Rng` (one independent stream per purpose via `mixSeed`), and actors / clip ids are sorted before
 * shuffling, so the result does not depend on the order the clips arrive in. Returned id and actor lists
 * are sorted ascending.
 *
 * Errors caused by the configuration or the data (unknown actor, overlapping lists, too few actors)
 * are `INVALID_PAYLOAD` with a message that says what to change.
 */
import type { Config } from '../../../shared/config';
import { EngineError } from '../../../shared/errors';
import type { Gender } from '../../../shared/ravdess';
import { mixSeed, Rng } from '../corpus/random';

export interface SplitClip {
  id: number;
  actor: number;
  gender: Gender;
  /** Class index in the config's label order (`configEmotions`). */
  label: number;
}

export type TrainingConfig = Config['training'];
export type ActorSplitOptions = Pick<TrainingConfig, 'test_actors' | 'validation_actors' | 'test_fraction' | 'validation_fraction' | 'seed'>;

interface Parts {
  /** Clip ids, ascending. */
  train: number[];
  validation: number[];
  test: number[];
}

export interface ActorSplit extends Parts {
  kind: 'actor';
  speakerDependent: false;
  actors: { train: number[]; validation: number[]; test: number[] };
}

/**
 * One fold of the actor k-fold. `trainActors`, `validationActors` and `testActors` partition the actors
 * (and `train`, `validation`, `test` the clips): the validation actors are carved out of the fold's
 * non-test actors for early stopping, so `trainActors` is the train-proper set the weights are fitted on.
 */
export interface ActorFold extends Parts {
  /** 0-based fold number. */
  fold: number;
  trainActors: number[];
  validationActors: number[];
  testActors: number[];
}

export interface ActorKFold {
  kind: 'actor_kfold';
  speakerDependent: false;
  k: number;
  folds: ActorFold[];
}

export interface StratifiedSplit extends Parts {
  kind: 'stratified';
  /** The same speakers appear in train and test: results are optimistic. */
  speakerDependent: true;
}

export type Split = ActorSplit | ActorKFold | StratifiedSplit;

/** Independent random streams, so e.g. changing the validation pick never reshuffles the test pick. */
const STREAM = { actorSplit: 1, kfold: 2, foldValidation: 3, stratified: 4, towers: 5 } as const;

function invalid(message: string): never {
  throw new EngineError('INVALID_PAYLOAD', message);
}

const ascending = (a: number, b: number): number => a - b;

/** Fisher–Yates on a copy. */
function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}

function checkFraction(name: string, value: number): void {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) invalid(`${name} must be a number between 0 and 1 (exclusive), got ${String(value)}`);
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0) invalid(`seed must be a non-negative integer, got ${String(seed)}`);
}

interface ActorIndex {
  /** All actors, ascending. */
  actors: number[];
  male: number[];
  female: number[];
  genderOf: Map<number, Gender>;
  clipsOf: Map<number, number[]>;
}

/** Validates the clips and groups them by actor. */
function indexActors(clips: readonly SplitClip[]): ActorIndex {
  if (clips.length === 0) invalid('cannot split: there are no clips');
  const ids = new Set<number>();
  const genderOf = new Map<number, Gender>();
  const clipsOf = new Map<number, number[]>();
  clips.forEach((c, i) => {
    if (!Number.isInteger(c.id)) invalid(`clip ${i}: id ${String(c.id)} is not an integer`);
    if (ids.has(c.id)) invalid(`clip id ${c.id} appears twice`);
    ids.add(c.id);
    if (!Number.isInteger(c.actor) || c.actor < 1) invalid(`clip ${c.id}: actor ${String(c.actor)} is not a positive integer`);
    if (c.gender !== 'male' && c.gender !== 'female') invalid(`clip ${c.id}: gender ${String(c.gender)} is not male or female`);
    if (!Number.isInteger(c.label) || c.label < 0) invalid(`clip ${c.id}: label ${String(c.label)} is not a class index`);
    const known = genderOf.get(c.actor);
    if (known !== undefined && known !== c.gender) invalid(`actor ${c.actor} is listed as both ${known} and ${c.gender}`);
    genderOf.set(c.actor, c.gender);
    const list = clipsOf.get(c.actor);
    if (list) list.push(c.id);
    else clipsOf.set(c.actor, [c.id]);
  });
  const actors = [...genderOf.keys()].sort(ascending);
  return {
    actors,
    male: actors.filter((a) => genderOf.get(a) === 'male'),
    female: actors.filter((a) => genderOf.get(a) === 'female'),
    genderOf,
    clipsOf,
  };
}

function clipIds(index: ActorIndex, actors: readonly number[]): number[] {
  return actors.flatMap((a) => index.clipsOf.get(a) ?? []).sort(ascending);
}

function describeActors(index: ActorIndex): string {
  const list = (xs: number[]): string => (xs.length === 0 ? 'none' : xs.join(', '));
  return `male: ${list(index.male)}; female: ${list(index.female)}`;
}

/** An explicit actor list from the config: no duplicates, every actor present in the data. */
function checkExplicit(name: string, list: readonly number[], index: ActorIndex): number[] {
  if (list.length === 0) invalid(`${name} is empty; list at least one actor or use null to pick by fraction`);
  const seen = new Set<number>();
  for (const a of list) {
    if (seen.has(a)) invalid(`${name} lists actor ${String(a)} twice`);
    seen.add(a);
    if (!index.genderOf.has(a)) invalid(`${name}: actor ${String(a)} has no clips in the data (actors present — ${describeActors(index)})`);
  }
  return [...list].sort(ascending);
}

/**
 * How many of `n` actors to take from a pool of `m` male and `f` female actors. Hard rules: when `mix`,
 * at least one of each gender; leave `keepM` males and `keepF` females for a later pick. Soft rule: also
 * leave one of each for training, when the hard rules allow. Within that, stay closest to the pool's
 * gender ratio. Returns null when the hard rules cannot be met.
 */
function maleCount(n: number, m: number, f: number, mix: boolean, keepM = 0, keepF = 0): number | null {
  let lo = Math.max(0, n - (f - keepF));
  let hi = Math.min(n, m - keepM);
  if (mix) {
    lo = Math.max(lo, 1);
    hi = Math.min(hi, n - 1);
  }
  if (lo > hi) return null;
  const softLo = Math.max(lo, n - (f - keepF - 1));
  const softHi = Math.min(hi, m - keepM - 1);
  if (softLo <= softHi && m > 0 && f > 0) {
    lo = softLo;
    hi = softHi;
  }
  const target = m + f === 0 ? 0 : Math.round((n * m) / (m + f));
  return Math.min(hi, Math.max(lo, target));
}

/**
 * Hold out whole actors for test and validation; train gets every other actor.
 *
 * Each of `test_actors` / `validation_actors` is used exactly as given when set (no gender rule: the
 * user chose). When null, that part is drawn by fraction of *all* actors in the data, rounded, at least
 * one — and at least one male and one female when the data has both genders (so at least two). The
 * draw keeps the pool's gender ratio and, where it can, leaves both genders for training.
 */
export function actorSplit(clips: readonly SplitClip[], opts: ActorSplitOptions): ActorSplit {
  const index = indexActors(clips);
  checkSeed(opts.seed);
  const explicitTest = opts.test_actors ? checkExplicit('test_actors', opts.test_actors, index) : null;
  const explicitVal = opts.validation_actors ? checkExplicit('validation_actors', opts.validation_actors, index) : null;
  if (explicitTest && explicitVal) {
    const shared = explicitTest.find((a) => explicitVal.includes(a));
    if (shared !== undefined) invalid(`test_actors and validation_actors both list actor ${shared}; an actor can be in only one part`);
  }
  if (!explicitTest) checkFraction('test_fraction', opts.test_fraction);
  if (!explicitVal) checkFraction('validation_fraction', opts.validation_fraction);

  const total = index.actors.length;
  const both = index.male.length > 0 && index.female.length > 0;
  const minPick = both ? 2 : 1;
  const nTest = explicitTest ? explicitTest.length : Math.max(minPick, Math.round(opts.test_fraction * total));
  const nVal = explicitVal ? explicitVal.length : Math.max(minPick, Math.round(opts.validation_fraction * total));
  if (nTest + nVal >= total) {
    invalid(
      `cannot hold out ${nTest} test and ${nVal} validation actors from ${total}: no actor would be left for training` +
        (explicitTest && explicitVal ? '' : ' (lower test_fraction / validation_fraction, or list the actors)'),
    );
  }

  // The pool: actors not taken by an explicit list, shuffled within each gender.
  const rng = new Rng(mixSeed(opts.seed, STREAM.actorSplit));
  const taken = new Set([...(explicitTest ?? []), ...(explicitVal ?? [])]);
  const pool = {
    male: shuffled(index.male.filter((a) => !taken.has(a)), rng),
    female: shuffled(index.female.filter((a) => !taken.has(a)), rng),
  };
  const draw = (part: string, n: number, keepM: number, keepF: number): number[] => {
    const males = maleCount(n, pool.male.length, pool.female.length, both, keepM, keepF);
    if (males === null) {
      invalid(
        `cannot put both a male and a female actor in ${part}${keepM + keepF > 0 ? ' and in validation' : ''}: ` +
          `the actors left to draw from are male: ${pool.male.length}, female: ${pool.female.length} ` +
          `(all actors — ${describeActors(index)}); list test_actors / validation_actors explicitly instead`,
      );
    }
    return [...pool.male.splice(0, males), ...pool.female.splice(0, n - males)].sort(ascending);
  };

  // Test first, keeping one actor of each gender back when validation still has to be drawn.
  const keepForVal = !explicitVal && both ? 1 : 0;
  const testActors = explicitTest ?? draw('test', nTest, keepForVal, keepForVal);
  const validationActors = explicitVal ?? draw('validation', nVal, 0, 0);
  const held = new Set([...testActors, ...validationActors]);
  const trainActors = index.actors.filter((a) => !held.has(a));
  return {
    kind: 'actor',
    speakerDependent: false,
    train: clipIds(index, trainActors),
    validation: clipIds(index, validationActors),
    test: clipIds(index, testActors),
    actors: { train: trainActors, validation: validationActors, test: testActors },
  };
}

/**
 * Speaker-independent k-fold: every actor is the test set of exactly one fold.
 *
 * Males (shuffled) then females (shuffled) are dealt round-robin into the k folds, continuing the count
 * across the two lists, so fold sizes differ by at most one, each gender is spread as evenly as it can
 * be, and when one gender has fewer actors than k the other fills the folds it missed first.
 *
 * Inside each fold, `validation` actors for early stopping are drawn from the fold's non-test actors:
 * `round(validationFraction × all actors)`, at least one, at least one of each gender when those actors
 * include both and at least one actor is still left to train on (so at least two then). The draw uses
 * its own stream per fold, so it is deterministic too.
 */
export function actorKFold(clips: readonly SplitClip[], k: number, seed: number, validationFraction = 0.1): ActorKFold {
  const index = indexActors(clips);
  checkSeed(seed);
  checkFraction('validation_fraction', validationFraction);
  const total = index.actors.length;
  if (!Number.isInteger(k) || k < 2) invalid(`k must be an integer ≥ 2, got ${String(k)}`);
  if (k > total) invalid(`k = ${k} folds needs at least ${k} actors, the data has ${total}`);
  // The largest fold has ceil(total / k) actors; the rest must still hold one validation and one train actor.
  if (total - Math.ceil(total / k) < 2) {
    invalid(`${k}-fold over ${total} actors leaves fewer than 2 non-test actors in a fold (one to train on, one to validate); use more actors or a larger k`);
  }

  const rng = new Rng(mixSeed(seed, STREAM.kfold));
  const dealt = [...shuffled(index.male, rng), ...shuffled(index.female, rng)];
  const foldActors = Array.from({ length: k }, () => [] as number[]);
  dealt.forEach((actor, j) => (foldActors[j % k] as number[]).push(actor));

  const folds = foldActors.map((testList, fold): ActorFold => {
    const testActors = testList.slice().sort(ascending);
    const isTest = new Set(testActors);
    const foldRng = new Rng(mixSeed(seed, STREAM.foldValidation, fold));
    const male = shuffled(index.male.filter((a) => !isTest.has(a)), foldRng);
    const female = shuffled(index.female.filter((a) => !isTest.has(a)), foldRng);
    const available = male.length + female.length;
    const mix = male.length > 0 && female.length > 0 && available >= 3;
    const nVal = Math.min(available - 1, Math.max(mix ? 2 : 1, Math.round(validationFraction * total)));
    // Always feasible: 1 ≤ nVal ≤ available − 1, and mix only when both genders are there with room to spare.
    const males = maleCount(nVal, male.length, female.length, mix) ?? 0;
    const validationActors = [...male.slice(0, males), ...female.slice(0, nVal - males)].sort(ascending);
    const isVal = new Set(validationActors);
    const trainActors = index.actors.filter((a) => !isTest.has(a) && !isVal.has(a));
    return {
      fold,
      trainActors,
      validationActors,
      testActors,
      train: clipIds(index, trainActors),
      validation: clipIds(index, validationActors),
      test: clipIds(index, testActors),
    };
  });
  return { kind: 'actor_kfold', speakerDependent: false, k, folds };
}

/**
 * How many clips of each class go to a part: floor(n_c × fraction) for every class, then the clips still
 * needed to reach round(N × fraction) overall go one each to the classes with the largest fractional
 * remainders (ties in random order), never beyond a class's `capacity`. So each class gets floor or
 * floor + 1 — within one clip of its exact proportion — and the total is as asked whenever it fits.
 */
function allocate(sizes: readonly number[], capacity: readonly number[], fraction: number, rng: Rng): number[] {
  const quotas = sizes.map((n) => n * fraction);
  const counts = quotas.map((q, c) => Math.min(Math.floor(q), capacity[c] as number));
  const target = Math.round(sizes.reduce((a, b) => a + b, 0) * fraction);
  const order = quotas
    .map((q, c) => ({ c, rem: q - Math.floor(q), tie: rng.next() }))
    .sort((a, b) => b.rem - a.rem || a.tie - b.tie);
  let missing = target - counts.reduce((a, b) => a + b, 0);
  for (const { c } of order) {
    if (missing <= 0) break;
    if ((counts[c] as number) < (capacity[c] as number) && (counts[c] as number) === Math.floor(quotas[c] as number)) {
      counts[c] = (counts[c] as number) + 1;
      missing--;
    }
  }
  return counts;
}

/**
 * Random clip split stratified by label: each class contributes floor or ceil of its share to test and
 * to validation (fractions of all clips, like the actor split's fractions of all actors), the rest to
 * train. Speakers are shared between the parts, so the result is marked `speakerDependent: true`.
 */
export function stratifiedSplit(clips: readonly SplitClip[], testFraction: number, validationFraction: number, seed: number): StratifiedSplit {
  indexActors(clips); // same clip validation as the actor splits
  checkSeed(seed);
  checkFraction('test_fraction', testFraction);
  checkFraction('validation_fraction', validationFraction);
  if (testFraction + validationFraction >= 1) {
    invalid(`test_fraction ${testFraction} + validation_fraction ${validationFraction} must be below 1 to leave clips for training`);
  }
  const byLabel = new Map<number, number[]>();
  for (const c of clips) {
    const list = byLabel.get(c.label);
    if (list) list.push(c.id);
    else byLabel.set(c.label, [c.id]);
  }
  const labels = [...byLabel.keys()].sort(ascending);
  const rng = new Rng(mixSeed(seed, STREAM.stratified));
  const classes = labels.map((l) => shuffled((byLabel.get(l) as number[]).sort(ascending), rng));
  const sizes = classes.map((c) => c.length);
  const testCounts = allocate(sizes, sizes, testFraction, rng);
  const valCounts = allocate(
    sizes,
    sizes.map((n, c) => n - (testCounts[c] as number)),
    validationFraction,
    rng,
  );
  const parts: Parts = { train: [], validation: [], test: [] };
  classes.forEach((ids, c) => {
    const t = testCounts[c] as number;
    const v = valCounts[c] as number;
    parts.test.push(...ids.slice(0, t));
    parts.validation.push(...ids.slice(t, t + v));
    parts.train.push(...ids.slice(t + v));
  });
  for (const part of ['train', 'validation', 'test'] as const) {
    if (parts[part].length === 0) invalid(`stratified split of ${clips.length} clips leaves ${part} empty; use more clips or adjust the fractions`);
    parts[part].sort(ascending);
  }
  return { kind: 'stratified', speakerDependent: true, ...parts };
}

/**
 * The split the config asks for (`training.split`). For `actor_kfold`, `test_actors` and
 * `validation_actors` are ignored (every actor is tested once) and `validation_fraction` sizes each
 * fold's validation set.
 */
export function splitClips(clips: readonly SplitClip[], training: TrainingConfig): Split {
  switch (training.split) {
    case 'actor':
      return actorSplit(clips, training);
    case 'actor_kfold':
      return actorKFold(clips, training.k, training.seed, training.validation_fraction);
    case 'stratified':
      return stratifiedSplit(clips, training.test_fraction, training.validation_fraction, training.seed);
  }
}

/** `training.ensemble_validation: rotate`: which clips each tower of an ensemble leaves out to validate on. */
export interface TowerGroups {
  /** Per clip of the pool (in the order given): the group it is held out in, 0 … groups − 1. */
  groupOf: Int32Array;
  /** For speaker groups, each group's actors (ascending); empty lists for clip groups. */
  actors: number[][];
  /** 'actor': whole speakers per group (the speaker-independent splits); 'clip': clips (stratified). */
  by: 'actor' | 'clip';
}

/**
 * Split a run's pooled training and validation clips into `towers` groups for an ensemble whose tower k
 * trains on every group but k and stops on group k. With `byActor`, whole actors go to a group (seeded
 * shuffle within each gender, then dealt in turn, so genders spread over the groups); with fewer actors
 * than towers there are as many groups as actors (towers then share them in turn). Otherwise clips are
 * dealt in turn after a seeded shuffle within each class.
 */
export function towerGroups(clips: readonly SplitClip[], towers: number, seed: number, byActor: boolean): TowerGroups {
  if (!Number.isInteger(towers) || towers < 2) invalid(`ensemble validation needs at least 2 towers, got ${String(towers)}`);
  const rng = new Rng(mixSeed(seed, STREAM.towers));
  const groupOf = new Int32Array(clips.length);
  if (byActor) {
    const index = indexActors(clips);
    const order = [...shuffled(index.male, rng), ...shuffled(index.female, rng)];
    if (order.length < 2) invalid(`ensemble validation by actor needs at least 2 actors outside the test set, got ${order.length}`);
    const groups = Math.min(towers, order.length);
    const groupOfActor = new Map(order.map((a, i) => [a, i % groups]));
    clips.forEach((c, i) => (groupOf[i] = groupOfActor.get(c.actor) as number));
    const actors = Array.from({ length: groups }, (_, g) => order.filter((a) => groupOfActor.get(a) === g).sort(ascending));
    return { groupOf, actors, by: 'actor' };
  }
  const byLabel = new Map<number, number[]>();
  clips.forEach((c, i) => {
    const list = byLabel.get(c.label);
    if (list) list.push(i);
    else byLabel.set(c.label, [i]);
  });
  let next = 0;
  for (const label of [...byLabel.keys()].sort(ascending)) {
    for (const i of shuffled(byLabel.get(label) ?? [], rng)) groupOf[i] = next++ % towers;
  }
  return { groupOf, actors: Array.from({ length: towers }, () => []), by: 'clip' };
}

