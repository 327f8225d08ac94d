import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { decodeWavFile } from '../../../electron/core/audio/decode';
import type { Prediction } from '../../../shared/prediction';
import { EMOTION_BY_CODE } from '../../../shared/ravdess';
import { runCli } from '../../helpers/cli';
import { tempDir } from '../../helpers/fixtureCorpus';
import { trainQuickExperiment, type TrainedExperiment } from '../../helpers/trainedModel';
import { pcmWav } from '../../helpers/wavBytes';

const corpus = inject('corpus8');
let trained: TrainedExperiment;
let saved: Array<{ path: string; predicted: string }>;
let clip: string;

beforeAll(async () => {
  trained = await trainQuickExperiment(corpus, {}, 'cli run');
  trained.db.close();
  saved = JSON.parse(fs.readFileSync(path.join(trained.artifactsDir, 'test_predictions.json'), 'utf8')) as typeof saved;
  clip = path.join(corpus, saved[0]?.path as string);
}, 120_000);

describe('emotion-studio predict', () => {
  it('prints the emotion, the confidence, the probability table and the ground truth', async () => {
    const r = await runCli(['predict', '--audio', clip, '--db', trained.dbPath]);
    expect(r.status, r.stderr).toBe(0);
    const truth = EMOTION_BY_CODE[path.basename(clip).split('-')[2] as string];
    expect(r.stdout).toContain(`Model:      advanced_dnn (experiment ${trained.result.experimentId})`);
    expect(r.stdout).toMatch(new RegExp(`^Emotion: +${saved[0]?.predicted} +confidence 0\\.\\d{3}$`, 'm'));
    expect(r.stdout).toContain(`Truth:      ${truth} (from the file name)   ${truth === saved[0]?.predicted ? 'correct' : 'incorrect'}\n`);
    for (const label of trained.result.labels) expect(r.stdout).toMatch(new RegExp(`^${label} +[01]\\.\\d{3}`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^${saved[0]?.predicted} .* ◀$`, 'm'));
    // The file is one of the experiment's indexed test clips: the answer says it was held out.
    const actor = path.basename(clip).slice(-6, -4);
    expect(r.stdout).toContain(`Standing:   held out: actor ${actor} was one of this model's test actors\n`);
  });

  it('says a training clip’s verdict is optimistic', async () => {
    const trainClip = fs.readdirSync(path.join(corpus, 'Actor_01'))[0] as string;
    const r = await runCli(['predict', '--audio', path.join(corpus, 'Actor_01', trainClip), '--db', trained.dbPath]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("Standing:   ! seen in training — optimistic: actor 01 was one of this model's training actors\n");
  });

  it('--json prints one Prediction; --experiment takes an id or a name', async () => {
    const [byName, byId] = await Promise.all([
      runCli(['predict', '--audio', clip, '--db', trained.dbPath, '--experiment', 'cli run', '--json']),
      runCli(['predict', '--audio', clip, '--db', trained.dbPath, '--experiment', String(trained.result.experimentId), '--json']),
    ]);
    for (const r of [byName, byId]) {
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
      const p = JSON.parse(r.stdout) as Prediction;
      expect(p).toMatchObject({ experimentId: trained.result.experimentId, emotion: saved[0]?.predicted, labels: trained.result.labels, file: clip, silent: false });
      expect(p.windows).toHaveLength(1);
      expect(p.standing).toMatchObject({ role: 'test', heldOut: true });
    }
  });

  it('--model DIR works without a database and never creates one', async () => {
    const home = tempDir('cli-predict-home');
    const r = await runCli(['predict', '--model', trained.artifactsDir, '--audio', clip, '--json'], { env: { ...process.env, EMOTION_STUDIO_HOME: home } });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ experimentId: null, emotion: saved[0]?.predicted });
    expect(fs.readdirSync(home)).toEqual([]);
  });

  it('a long file lists its windows; --hop sets their spacing', async () => {
    const parts = [0, 1, 2, 3].map((i) => decodeWavFile(path.join(corpus, saved[i]?.path as string)).samples);
    const long = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (long.set(p, at), at + p.length), 0);
    const file = path.join(tempDir('cli-predict-long'), 'long.wav');
    fs.writeFileSync(file, pcmWav([long], 48000));
    const r = await runCli(['predict', '--model', trained.artifactsDir, '--audio', file, '--hop', '2']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Windows \(\d+, every 2 s\):$/m);
    expect(r.stdout).toMatch(/^ +0\.00 +3\.00 +\w+ +0\.\d{3}$/m);
    expect(r.stdout).toMatch(/^ +2\.00 +5\.00 /m);
    expect(r.stdout).not.toContain('Truth:');
  });

  it('a bad file: exit 1 and the reason on stderr, nothing on stdout', async () => {
    const file = path.join(tempDir('cli-predict-bad'), 'song.wav');
    fs.writeFileSync(file, 'ID3 definitely an mp3');
    const r = await runCli(['predict', '--model', trained.artifactsDir, '--audio', file, '--json']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`emotion-studio predict: ${file}: not a WAV file: starts with 'ID3 ', not 'RIFF'\n`);
  });

  it('no finished experiment in the database: exit 1, saying to train one', async () => {
    const r = await runCli(['predict', '--audio', clip, '--db', path.join(tempDir('cli-predict-empty'), 'db.sqlite')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('emotion-studio predict: No finished experiment to predict with: train one first\n');
  });

  it('usage mistakes: exit 2 with the usage', async () => {
    const runs = await Promise.all([
      runCli(['predict', '--db', trained.dbPath]),
      runCli(['predict', '--audio', clip, '--model', trained.artifactsDir, '--experiment', '1']),
      runCli(['predict', '--audio', clip, '--model', trained.artifactsDir, '--hop', '0']),
    ]);
    expect(runs.map((r) => r.status)).toEqual([2, 2, 2]);
    expect(runs[0]?.stderr).toContain('emotion-studio predict: --audio FILE is required');
    expect(runs[1]?.stderr).toContain('give --experiment or --model, not both');
    expect(runs[2]?.stderr).toContain('--hop must be a number from 0.1 to 30, got "0"');
    for (const r of runs) expect(r.stderr).toContain('emotion-studio predict --audio FILE');
  });
});
