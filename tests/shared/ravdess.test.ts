import { describe, expect, it } from 'vitest';
import { formatRavdessName, parseRavdessName, speechTakesPerActor } from '../../shared/ravdess';

describe('parseRavdessName', () => {
  it('parses every field of a speech clip name', () => {
    expect(parseRavdessName('03-01-06-02-01-02-12.wav')).toEqual({
      ok: true,
      value: { modality: 'audio-only', vocalChannel: 'speech', emotion: 'fearful', intensity: 'strong', statement: 1, repetition: 2, actor: 12, gender: 'female' },
    });
    expect(parseRavdessName('03-01-01-01-02-01-01.WAV')).toMatchObject({ ok: true, value: { emotion: 'neutral', gender: 'male', statement: 2 } });
  });

  it.each([
    ['hello.wav', /not in the RAVDESS pattern/],
    ['03-01-05-01-01-01.wav', /not in the RAVDESS pattern/],
    ['03-01-05-01-01-01-01.wav.bak', /not in the RAVDESS pattern/],
    ['._03-01-05-01-01-01-01.wav', /not in the RAVDESS pattern/],
    ['03-01-09-01-01-01-01.wav', /emotion 09 is not a RAVDESS code/],
    ['03-01-00-01-01-01-01.wav', /emotion 00/],
    ['03-01-05-01-01-01-25.wav', /actor 25 is not a RAVDESS actor/],
    ['03-01-05-01-01-01-00.wav', /actor 00/],
    ['01-01-05-01-01-01-01.wav', /modality 01 \(audio-video\) is not audio-only/],
    ['02-01-05-01-01-01-01.wav', /modality 02 \(video-only\)/],
    ['04-01-05-01-01-01-01.wav', /modality 04 is not a RAVDESS code/],
    ['03-02-05-01-01-01-01.wav', /vocal channel 02 \(song\) is not speech/],
    ['03-01-05-03-01-01-01.wav', /intensity 03/],
    ['03-01-01-02-01-01-01.wav', /strong\) does not exist for neutral/],
    ['03-01-05-01-03-01-01.wav', /statement 03/],
    ['03-01-05-01-01-03-01.wav', /repetition 03/],
  ])('rejects %s', (name, reason) => {
    const parsed = parseRavdessName(name);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('round-trips every take of an actor through format and parse: 60 distinct names', () => {
    const names = speechTakesPerActor().map((t) => formatRavdessName({ ...t, actor: 7 }));
    expect(new Set(names).size).toBe(60);
    for (const name of names) expect(parseRavdessName(name).ok).toBe(true);
  });
});
