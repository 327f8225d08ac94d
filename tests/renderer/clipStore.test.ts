/** ClipStore without a DOM, and the live analyser's Web Audio wiring against a fake AudioContext. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../shared/client';
import { ClipStore } from '../../renderer/src/features/clip/clipStore.svelte';
import { LiveAnalyser } from '../../renderer/src/features/clip/liveAnalyser';
import { FakeEngine, RAVDESS_ROOT } from './fakeEngine';

const meyda = vi.hoisted(() => {
  const analyzers: Array<{ options: Record<string, unknown>; start: ReturnType<typeof vi.fn>; stop: ReturnType<typeof vi.fn> }> = [];
  return {
    analyzers,
    createMeydaAnalyzer: (options: Record<string, unknown>) => {
      const analyzer = { options, start: vi.fn(), stop: vi.fn() };
      analyzers.push(analyzer);
      return analyzer;
    },
  };
});
vi.mock('meyda', () => ({ default: { createMeydaAnalyzer: meyda.createMeydaAnalyzer } }));

function store() {
  const engine = new FakeEngine();
  engine.seedDataset(RAVDESS_ROOT);
  return { engine, store: new ClipStore(createClient(engine)) };
}

describe('ClipStore', () => {
  it('loads all three parts, and reopening the open clip does not reload it', async () => {
    const { engine, store: s } = store();
    await s.open(1, 42);
    expect(s.clip?.id).toBe(42);
    expect(s.audio?.type).toBe('audio/wav');
    expect(s.features?.clipId).toBe(42);
    expect(s.title).toBe(s.clip?.path.split('/').pop());
    await s.open(1, 42);
    expect(engine.callsOf('clip.get')).toHaveLength(1);
  });

  it('retries only what failed', async () => {
    const { engine, store: s } = store();
    engine.failures.set('clip.audio', { code: 'UNREADABLE', message: 'Permission denied' });
    await s.open(1, 3);
    expect(s.audioError).toEqual({ code: 'UNREADABLE', message: 'Permission denied' });
    expect(s.clip).not.toBeNull();
    engine.failures.delete('clip.audio');
    await s.retry();
    expect(s.audioError).toBeNull();
    expect(s.audio).not.toBeNull();
    expect(engine.callsOf('clip.audio')).toHaveLength(2);
    expect(engine.callsOf('clip.get')).toHaveLength(1);
    expect(engine.callsOf('clip.features')).toHaveLength(1);
  });

  it('drops answers that arrive after the clip changed or was closed', async () => {
    const { engine, store: s } = store();
    engine.hold('clip.features');
    const first = s.open(1, 1);
    const second = s.open(1, 2);
    await vi.waitFor(() => expect(engine.heldCount('clip.features')).toBe(2));
    engine.release('clip.features', 1); // clip 2 answers first
    await vi.waitFor(() => expect(s.features?.clipId).toBe(2));
    engine.release('clip.features', 0); // clip 1's late answer
    await Promise.all([first, second]);
    expect(s.features?.clipId).toBe(2);
    expect(s.clip?.id).toBe(2);

    engine.hold('clip.get');
    const third = s.open(1, 3);
    await vi.waitFor(() => expect(engine.heldCount('clip.get')).toBe(1));
    s.close();
    engine.releaseAll('clip.get');
    engine.releaseAll('clip.features');
    await third;
    expect(s.ref).toBeNull();
    expect(s.clip).toBeNull();
    expect(s.loadingClip).toBe(false);
  });

  it('resets the player for a new clip and keeps the zoom in range', async () => {
    const { store: s } = store();
    await s.open(1, 1);
    s.playerReady(3.2);
    s.playerPlaying(true);
    s.playerTime(1.5);
    s.setLive({ rms: 0.1, centroidHz: 1000, zcr: 10, loudness: 5 });
    s.zoomIn();
    expect(s.zoom).toBe(1.5);
    for (let i = 0; i < 20; i++) s.zoomIn();
    expect(s.zoom).toBe(20);
    await s.open(1, 2);
    expect([s.ready, s.playing, s.currentTime, s.duration, s.live]).toEqual([false, false, 0, 0, null]);
    expect(s.zoom).toBe(20);
  });
});

class FakeNode {
  readonly connections = new Set<unknown>();
  connect(target: unknown): void {
    this.connections.add(target);
  }
  disconnect(target?: unknown): void {
    if (target === undefined) this.connections.clear();
    else this.connections.delete(target);
  }
}

class FakeAudioContext {
  static created = 0;
  state: 'suspended' | 'running' | 'closed' = 'suspended';
  readonly sampleRate = 48000;
  readonly destination = new FakeNode();
  readonly mediaSources: Array<{ media: HTMLMediaElement; node: FakeNode }> = [];
  constructor() {
    FakeAudioContext.created++;
  }
  resume(): Promise<void> {
    this.state = 'running';
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.state = 'closed';
    return Promise.resolve();
  }
  createGain(): FakeNode {
    return new FakeNode();
  }
  createMediaElementSource(media: HTMLMediaElement): FakeNode {
    if (this.mediaSources.some((s) => s.media === media)) throw new Error('InvalidStateError: already connected');
    const node = new FakeNode();
    this.mediaSources.push({ media, node });
    return node;
  }
}

describe('LiveAnalyser', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    meyda.analyzers.length = 0;
    FakeAudioContext.created = 0;
  });

  function setup() {
    const contexts: FakeAudioContext[] = [];
    vi.stubGlobal(
      'AudioContext',
      class extends FakeAudioContext {
        constructor() {
          super();
          contexts.push(this);
        }
      },
    );
    const values: unknown[] = [];
    const errors: string[] = [];
    const analyser = new LiveAnalyser({ onValues: (v) => values.push(v), onError: (e) => errors.push(e) });
    return { analyser, contexts, values, errors };
  }

  it('does nothing before the user gesture unlocks audio', async () => {
    const { analyser, contexts } = setup();
    await analyser.start(document.createElement('audio'));
    expect(contexts).toHaveLength(0);
    expect(meyda.analyzers).toHaveLength(0);
  });

  it('creates one context and one media source per element, however often playback restarts', async () => {
    const { analyser, contexts, values, errors } = setup();
    const media = document.createElement('audio');
    analyser.unlock();
    analyser.unlock();
    expect(contexts).toHaveLength(1);
    const context = contexts[0] as FakeAudioContext;
    expect(context.state).toBe('running');

    await analyser.start(media);
    analyser.stop();
    await analyser.start(media);
    expect(errors).toEqual([]);
    expect(context.mediaSources).toHaveLength(1);
    const source = context.mediaSources[0]?.node as FakeNode;
    // Heard through the graph, and tapped for Meyda.
    expect(source.connections.has(context.destination)).toBe(true);
    expect(source.connections.size).toBe(2);
    expect(meyda.analyzers).toHaveLength(1);
    const analyzer = meyda.analyzers[0];
    expect(analyzer?.options).toMatchObject({ bufferSize: 2048, featureExtractors: ['rms', 'spectralCentroid', 'zcr', 'loudness'] });
    expect(analyzer?.start).toHaveBeenCalledTimes(2);

    // Meyda's callback: centroid converted from bins to Hz.
    const callback = analyzer?.options.callback as (frame: unknown) => void;
    callback({ rms: 0.2, spectralCentroid: 128, zcr: 40, loudness: { total: 20 } });
    expect(values).toEqual([{ rms: 0.2, centroidHz: 3000, zcr: 40, loudness: 20 }]);
    callback({ rms: 0.3, spectralCentroid: 128, zcr: 40, loudness: { total: 20 } });
    expect(values).toHaveLength(1); // rate-limited

    analyser.stop();
    expect(analyzer?.stop).toHaveBeenCalled();
    expect(source.connections.size).toBe(1); // only the destination
    callback({ rms: 0.3, spectralCentroid: 128, zcr: 40, loudness: { total: 20 } });
    expect(values).toHaveLength(1);

    // A new element (the next clip) gets its own source; the old one is released.
    analyser.release(media);
    expect(source.connections.size).toBe(0);
    await analyser.start(document.createElement('audio'));
    expect(context.mediaSources).toHaveLength(2);

    analyser.dispose();
    expect(context.state).toBe('closed');
    analyser.unlock();
    expect(contexts).toHaveLength(1);
  });

  it('does not connect when stopped while Meyda was still loading', async () => {
    const { analyser, contexts } = setup();
    analyser.unlock();
    const pending = analyser.start(document.createElement('audio'));
    analyser.stop();
    await pending;
    expect(contexts[0]?.mediaSources).toHaveLength(0);
  });
});
