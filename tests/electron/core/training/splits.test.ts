import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../electron/core/corpus/random';
import {
  actorKFold,
  actorSplit,
  splitClips,
  stratifiedSplit,
  towerGroups,
  type ActorSplitOptions,
  type SplitClip,
} from '../../../../electron/core/training/splits';
import { configEmotions, DEFAULT_CONFIG } from '../../../../shared/config';
import { genderOfActor, speechTakesPerActor } from '../../../../shared/ravdess';

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** RAVDESS-shaped clips: every speech take of each actor whose emotion is configured (default six). */
function ravdessClips(actors: readonly number[] = range(1, 24)): SplitClip[] {
  const emotions = configEmotions(DEFAULT_CONFIG);
  const clips: SplitClip[] = [];
  for (const actor of actors) {
    for (const take of speechTakesPerActor()) {
      const label = emotions.indexOf(take.emotion);
      if (label >= 0) clips.push({ id: clips.length + 1, actor, gender: genderOfActor(actor), label });
    }
  }
  return clips;
}

const ALL = ravdessClips();
const actorOf = new Map(ALL.map((c) => [c.id, c.actor]));
const byFraction: ActorSplitOptions = { test_actors: null, validation_actors: null, test_fraction: 0.2, validation_fraction: 0.1, seed: 42 };
const genders = (actors: readonly number[]): Set<string> => new Set(actors.map(genderOfActor));
const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

/** The three actor lists and the three clip lists each partition the data, and clips follow their actor. */
function expectActorPartition(
  clips: readonly SplitClip[],
  actors: { train: number[]; validation: number[]; test: number[] },
  ids: { train: number[]; validation: number[]; test: number[] },
): void {
  const allActors = sorted([...new Set(clips.map((c) => c.actor))]);
  expect(sorted([...actors.train, ...actors.validation, ...actors.test])).toEqual(allActors); // no actor twice, none lost
  expect(sorted([...ids.train, ...ids.validation, ...ids.test])).toEqual(sorted(clips.map((c) => c.id)));
  const owner = new Map(clips.map((c) => [c.id, c.actor]));
  for (const part of ['train', 'validation', 'test'] as const) {
    const inPart = new Set(actors[part]);
    expect(ids[part].filter((id) => !inPart.has(owner.get(id) as number))).toEqual([]);
  }
}

describe('actorSplit', () => {
  it('by fraction: disjoint actors, both genders in test and validation, over many seeds', () => {
    for (let seed = 0; seed < 200; seed++) {
      const s = actorSplit(ALL, { ...byFraction, seed });
      expectActorPartition(ALL, s.actors, s);
      // 24 actors: test round(4.8) = 5, validation max(2, round(2.4)) = 2, train 17.
      expect([s.actors.test.length, s.actors.validation.length, s.actors.train.length]).toEqual([5, 2, 17]);
      expect(genders(s.actors.test).size).toBe(2);
      expect(genders(s.actors.validation).size).toBe(2);
      expect(genders(s.actors.train).size).toBe(2);
      expect(s.speakerDependent).toBe(false);
      expect(s.kind).toBe('actor');
    }
  });

  it('is deterministic by seed, independent of clip order, and varies with the seed', () => {
    const a = actorSplit(ALL, byFraction);
    expect(actorSplit(ALL, byFraction)).toEqual(a);
    expect(actorSplit([...ALL].reverse(), byFraction)).toEqual(a);
    const testSets = new Set(range(0, 19).map((seed) => actorSplit(ALL, { ...byFraction, seed }).actors.test.join(',')));
    expect(testSets.size).toBeGreaterThan(15);
  });

  it('uses explicit lists exactly as given', () => {
    const s = actorSplit(ALL, { ...byFraction, test_actors: [4, 1, 3, 2], validation_actors: [24] });
    expect(s.actors.test).toEqual([1, 2, 3, 4]);
    expect(s.actors.validation).toEqual([24]); // one gender only: the user's choice is honoured
    expect(s.actors.train).toEqual(range(5, 23));
    expectActorPartition(ALL, s.actors, s);
    expect(s.test).toEqual(ALL.filter((c) => c.actor <= 4).map((c) => c.id));
  });

  it('draws the missing part by fraction around an explicit one, still with both genders', () => {
    for (let seed = 0; seed < 50; seed++) {
      const onlyTest = actorSplit(ALL, { ...byFraction, seed, test_actors: [2, 4, 6, 8] });
      expect(onlyTest.actors.test).toEqual([2, 4, 6, 8]);
      expect(onlyTest.actors.validation.length).toBe(2);
      expect(genders(onlyTest.actors.validation).size).toBe(2);
      expectActorPartition(ALL, onlyTest.actors, onlyTest);

      const onlyVal = actorSplit(ALL, { ...byFraction, seed, validation_actors: [1, 3] });
      expect(onlyVal.actors.validation).toEqual([1, 3]);
      expect(onlyVal.actors.test.length).toBe(5);
      expect(genders(onlyVal.actors.test).size).toBe(2);
      expectActorPartition(ALL, onlyVal.actors, onlyVal);
    }
  });

  it('property: random explicit/fraction mixes never put an actor in two parts', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 300; trial++) {
      const shuffled = range(1, 24).sort(() => rng.next() - 0.5);
      const nTest = 1 + Math.floor(rng.next() * 6);
      const nVal = 1 + Math.floor(rng.next() * 4);
      const mode = trial % 4; // 0 both explicit, 1 test only, 2 validation only, 3 neither
      const opts: ActorSplitOptions = {
        test_actors: mode === 0 || mode === 1 ? shuffled.slice(0, nTest) : null,
        validation_actors: mode === 0 || mode === 2 ? shuffled.slice(nTest, nTest + nVal) : null,
        test_fraction: 0.05 + rng.next() * 0.3,
        validation_fraction: 0.05 + rng.next() * 0.2,
        seed: Math.floor(rng.next() * 1e6),
      };
      const s = actorSplit(ALL, opts);
      expectActorPartition(ALL, s.actors, s);
      if (opts.test_actors) expect(s.actors.test).toEqual(sorted(opts.test_actors));
      else expect(genders(s.actors.test).size).toBe(2);
      if (opts.validation_actors) expect(s.actors.validation).toEqual(sorted(opts.validation_actors));
      else expect(genders(s.actors.validation).size).toBe(2);
      expect(s.actors.train.length).toBeGreaterThan(0);
    }
  });

  it('rejects unknown actors, overlaps, duplicates and impossible requests', () => {
    const ten = ravdessClips(range(1, 10));
    expect(() => actorSplit(ten, { ...byFraction, test_actors: [11] })).toThrow('test_actors: actor 11 has no clips in the data');
    expect(() => actorSplit(ten, { ...byFraction, validation_actors: [0] })).toThrow('validation_actors: actor 0 has no clips');
    expect(() => actorSplit(ten, { ...byFraction, test_actors: [1, 2, 3], validation_actors: [3, 4] })).toThrow(
      'test_actors and validation_actors both list actor 3',
    );
    expect(() => actorSplit(ten, { ...byFraction, test_actors: [1, 1] })).toThrow('test_actors lists actor 1 twice');
    // Only one male actor: he cannot be in both test and validation.
    const oneMale = ravdessClips([1, 2, 4, 6, 8, 10, 12]);
    expect(() => actorSplit(oneMale, byFraction)).toThrow(/cannot put both a male and a female actor in test and in validation/);
    // Explicit validation takes the only male: test cannot have both genders.
    expect(() => actorSplit(oneMale, { ...byFraction, validation_actors: [1] })).toThrow(/male and a female actor in test/);
    // Four actors, at least 2 + 2 held out: nobody left to train on.
    expect(() => actorSplit(ravdessClips([1, 2, 3, 4]), byFraction)).toThrow('no actor would be left for training');
    expect(() => actorSplit(ten, { ...byFraction, test_actors: range(1, 5), validation_actors: range(6, 10) })).toThrow('no actor would be left');
  });

  it('mixes genders even when the minority gender is too small for the ratio to give it a place', () => {
    // 2 men, 10 women: test = round(0.2 · 12) = 2 → by ratio round(2 · 2/12) = 0 men; the rule forces one
    // man into test and keeps the other for validation.
    const clips = ravdessClips([1, 3, ...range(1, 10).map((i) => 2 * i)]);
    for (let seed = 0; seed < 50; seed++) {
      const s = actorSplit(clips, { ...byFraction, seed });
      expect(genders(s.actors.test).size).toBe(2);
      expect(genders(s.actors.validation).size).toBe(2);
      expectActorPartition(clips, s.actors, s);
    }
  });

  it('with one gender only, picks at least one actor per part and needs no mix', () => {
    const women = ravdessClips([2, 4, 6, 8, 10]);
    const s = actorSplit(women, byFraction);
    // 5 actors: test round(1.0) = 1, validation max(1, round(0.5)) = 1.
    expect([s.actors.test.length, s.actors.validation.length, s.actors.train.length]).toEqual([1, 1, 3]);
    expectActorPartition(women, s.actors, s);
  });

  it('rejects inconsistent clips', () => {
    const clips: SplitClip[] = [
      { id: 1, actor: 1, gender: 'male', label: 0 },
      { id: 1, actor: 2, gender: 'female', label: 0 },
    ];
    expect(() => actorSplit(clips, byFraction)).toThrow('clip id 1 appears twice');
    expect(() => actorSplit([{ id: 1, actor: 1, gender: 'male', label: 0 }, { id: 2, actor: 1, gender: 'female', label: 0 }], byFraction)).toThrow(
      'actor 1 is listed as both male and female',
    );
    expect(() => actorSplit([], byFraction)).toThrow('no clips');
  });
});

describe('actorKFold', () => {
  it('tests every actor exactly once, balanced folds, validation disjoint from test and train', () => {
    for (const k of [2, 3, 4, 5, 6, 7, 8, 10, 12, 24]) {
      for (let seed = 0; seed < 10; seed++) {
        const kf = actorKFold(ALL, k, seed);
        expect(kf.folds).toHaveLength(k);
        expect(kf.speakerDependent).toBe(false);
        const tested = kf.folds.flatMap((f) => f.testActors);
        expect(sorted(tested)).toEqual(range(1, 24)); // each actor once
        const sizes = kf.folds.map((f) => f.testActors.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        for (const f of kf.folds) {
          expectActorPartition(ALL, { train: f.trainActors, validation: f.validationActors, test: f.testActors }, f);
          expect(f.validationActors.length).toBeGreaterThanOrEqual(1);
          expect(f.trainActors.length).toBeGreaterThanOrEqual(1);
          // 12 men and 12 women: every validation set can and does mix genders.
          expect(genders(f.validationActors).size).toBe(2);
          // With ≥ 2 actors per fold (k ≤ 12) the test actors mix genders too.
          if (k <= 12) expect(genders(f.testActors).size).toBe(2);
        }
      }
    }
  });

  it('sizes validation by fraction of all actors (default 0.1 → 2 of 24)', () => {
    for (const f of actorKFold(ALL, 5, 1).folds) expect(f.validationActors).toHaveLength(2);
    for (const f of actorKFold(ALL, 5, 1, 0.25).folds) expect(f.validationActors).toHaveLength(6);
  });

  it('mixes genders in validation even when the fraction or the gender ratio alone would not', () => {
    // validation_fraction 0.02 → round(0.48) = 0 → raised to 2 so both genders fit.
    for (const f of actorKFold(ALL, 5, 1, 0.02).folds) {
      expect(f.validationActors).toHaveLength(2);
      expect(genders(f.validationActors).size).toBe(2);
    }
    // 2 men, 10 women: by ratio a 2-actor validation set would be all women (round(2 · 2/12) = 0 men).
    const clips = ravdessClips([1, 3, ...range(1, 10).map((i) => 2 * i)]);
    for (let seed = 0; seed < 20; seed++) {
      for (const f of actorKFold(clips, 3, seed).folds) {
        const rest = [...f.trainActors, ...f.validationActors];
        if (genders(rest).size === 2) expect(genders(f.validationActors).size).toBe(2);
      }
    }
  });

  it('mixes genders in as many folds as the minority gender allows', () => {
    // 3 men, 8 women, 5 folds: each man lands in a different fold, women fill the rest first.
    const clips = ravdessClips([1, 3, 5, ...range(1, 8).map((i) => 2 * i)]);
    for (let seed = 0; seed < 20; seed++) {
      const kf = actorKFold(clips, 5, seed);
      expect(kf.folds.filter((f) => genders(f.testActors).size === 2)).toHaveLength(3);
      expect(kf.folds.every((f) => f.testActors.some((a) => a % 2 === 0))).toBe(true);
    }
  });

  it('is deterministic by seed and independent of clip order', () => {
    const a = actorKFold(ALL, 5, 3);
    expect(actorKFold([...ALL].reverse(), 5, 3)).toEqual(a);
    const b = actorKFold(ALL, 5, 4);
    expect(b.folds.map((f) => f.testActors)).not.toEqual(a.folds.map((f) => f.testActors));
  });

  it('rejects k beyond the actors and too few actors per fold', () => {
    expect(() => actorKFold(ravdessClips(range(1, 4)), 5, 0)).toThrow('k = 5 folds needs at least 5 actors, the data has 4');
    expect(() => actorKFold(ravdessClips([1, 2, 3]), 2, 0)).toThrow('fewer than 2 non-test actors');
    expect(() => actorKFold(ALL, 1, 0)).toThrow('k must be an integer ≥ 2');
  });
});

describe('stratifiedSplit', () => {
  it('keeps per-class proportions within ±1 clip and partitions the clips', () => {
    const counts = (ids: number[]): Map<number, number> => {
      const label = new Map(ALL.map((c) => [c.id, c.label]));
      const m = new Map<number, number>();
      for (const id of ids) m.set(label.get(id) as number, (m.get(label.get(id) as number) ?? 0) + 1);
      return m;
    };
    const perClass = counts(ALL.map((c) => c.id)); // neutral 96, the others 192 each
    expect(perClass.get(0)).toBe(96);
    for (let seed = 0; seed < 30; seed++) {
      const s = stratifiedSplit(ALL, 0.2, 0.1, seed);
      expect(s.speakerDependent).toBe(true);
      expect(sorted([...s.train, ...s.validation, ...s.test])).toEqual(ALL.map((c) => c.id));
      expect(new Set([...s.train, ...s.validation, ...s.test]).size).toBe(ALL.length);
      expect(s.test.length).toBe(Math.round(ALL.length * 0.2)); // 1056 clips → 211
      expect(s.validation.length).toBe(Math.round(ALL.length * 0.1)); // 106
      const t = counts(s.test);
      const v = counts(s.validation);
      for (const [label, n] of perClass) {
        expect(Math.abs((t.get(label) ?? 0) - 0.2 * n)).toBeLessThanOrEqual(1);
        expect(Math.abs((v.get(label) ?? 0) - 0.1 * n)).toBeLessThanOrEqual(1);
      }
      // Speaker-dependent by design: test actors also appear in training.
      const trainActors = new Set(s.train.map((id) => actorOf.get(id)));
      expect(s.test.some((id) => trainActors.has(actorOf.get(id)))).toBe(true);
    }
  });

  it('holds ±1 on small, odd-sized classes too', () => {
    const clips: SplitClip[] = [7, 3, 11, 1].flatMap((n, label) =>
      Array.from({ length: n }, (_, i): SplitClip => ({ id: label * 100 + i, actor: (i % 4) + 1, gender: genderOfActor((i % 4) + 1), label })),
    );
    for (let seed = 0; seed < 50; seed++) {
      const s = stratifiedSplit(clips, 0.3, 0.2, seed);
      for (const [label, n] of [7, 3, 11, 1].entries()) {
        const inTest = s.test.filter((id) => Math.floor(id / 100) === label).length;
        const inVal = s.validation.filter((id) => Math.floor(id / 100) === label).length;
        expect(Math.abs(inTest - 0.3 * n)).toBeLessThanOrEqual(1);
        expect(Math.abs(inVal - 0.2 * n)).toBeLessThanOrEqual(1);
      }
      expect(s.test.length + s.validation.length + s.train.length).toBe(22);
    }
  });

  it('is deterministic by seed and rejects fractions that leave nothing to train on', () => {
    expect(stratifiedSplit(ALL, 0.2, 0.1, 9)).toEqual(stratifiedSplit([...ALL].reverse(), 0.2, 0.1, 9));
    expect(stratifiedSplit(ALL, 0.2, 0.1, 9).test).not.toEqual(stratifiedSplit(ALL, 0.2, 0.1, 10).test);
    expect(() => stratifiedSplit(ALL, 0.6, 0.4, 0)).toThrow('must be below 1');
    expect(() => stratifiedSplit(ALL, 0, 0.1, 0)).toThrow('test_fraction must be a number between 0 and 1');
  });
});

describe('splitClips', () => {
  it('dispatches on training.split', () => {
    const t = DEFAULT_CONFIG.training;
    expect(splitClips(ALL, t)).toEqual(actorSplit(ALL, t));
    expect(splitClips(ALL, { ...t, split: 'actor_kfold' })).toEqual(actorKFold(ALL, t.k, t.seed, t.validation_fraction));
    const strat = splitClips(ALL, { ...t, split: 'stratified' });
    expect(strat.kind).toBe('stratified');
    expect(strat.speakerDependent).toBe(true);
  });
});

describe('towerGroups (training.ensemble_validation: rotate)', () => {
  const pool = ravdessClips(range(1, 20));

  it('by actor: every actor in exactly one of the groups, clips follow their actor, both genders in each, seeded', () => {
    const g = towerGroups(pool, 5, 42, true);
    expect(g.by).toBe('actor');
    expect(g.actors).toHaveLength(5);
    expect(sorted(g.actors.flat())).toEqual(range(1, 20));
    g.actors.forEach((actors) => {
      expect(actors).toHaveLength(4);
      expect(genders(actors)).toEqual(new Set(['male', 'female']));
    });
    pool.forEach((c, i) => expect(g.actors[g.groupOf[i] as number]).toContain(c.actor));
    expect(towerGroups(pool, 5, 42, true)).toEqual(g);
    expect(towerGroups(pool, 5, 43, true).actors).not.toEqual(g.actors);
    // The clips' order does not matter.
    const reversed = [...pool].reverse();
    expect(towerGroups(reversed, 5, 42, true).actors).toEqual(g.actors);
  });

  it('fewer actors than towers: one group per actor', () => {
    const g = towerGroups(ravdessClips([1, 2, 3]), 5, 42, true);
    expect(g.actors.map((a) => a.length)).toEqual([1, 1, 1]);
    expect(() => towerGroups(ravdessClips([4]), 5, 42, true)).toThrow(/at least 2 actors outside the test set, got 1/);
    expect(() => towerGroups(pool, 1, 42, true)).toThrow(/at least 2 towers/);
  });

  it('by clip (stratified): each class dealt evenly over the groups', () => {
    const g = towerGroups(pool, 4, 42, false);
    expect(g.by).toBe('clip');
    for (let label = 0; label < 6; label++) {
      const counts = [0, 1, 2, 3].map((k) => pool.filter((c, i) => c.label === label && g.groupOf[i] === k).length);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
  });
});
