import { describe, expect, it } from 'vitest';
import { percent, timelineSegments } from '../../renderer/src/features/clip/predictionView';
import type { PredictionWindow } from '../../shared/prediction';

const w = (start: number, emotion: PredictionWindow['emotion'], confidence = 0.5): PredictionWindow => ({
  start,
  end: start + 3,
  emotion,
  confidence,
  probabilities: {},
});

describe('timelineSegments', () => {
  it('gives each overlapping window the time up to the next one, the last its whole span, and merges equal neighbours', () => {
    const segments = timelineSegments([w(2, 'sad', 0.9), w(0, 'happy', 0.6), w(1, 'happy', 0.8), w(3, 'sad', 0.7)]);
    expect(segments).toEqual([
      { start: 0, end: 2, emotion: 'happy', confidence: expect.closeTo(0.7, 12) },
      { start: 2, end: 6, emotion: 'sad', confidence: expect.closeTo((0.9 * 1 + 0.7 * 3) / 4, 12) },
    ]);
  });

  it('one window is one segment; none is none', () => {
    expect(timelineSegments([w(0.5, 'calm')])).toEqual([{ start: 0.5, end: 3.5, emotion: 'calm', confidence: 0.5 }]);
    expect(timelineSegments([])).toEqual([]);
  });
});

describe('percent', () => {
  it('one decimal, none at the ends', () => {
    expect(percent(0.4567)).toBe('45.7%');
    expect(percent(1)).toBe('100%');
    expect(percent(0.0004)).toBe('0%');
  });
});
