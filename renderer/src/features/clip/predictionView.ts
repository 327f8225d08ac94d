/** Pure helpers for showing a prediction: emotion colours, percentages, and the emotion-over-time segments. */
import type { Prediction, PredictionWindow } from '../../../../shared/prediction';
import type { Emotion } from '../../../../shared/ravdess';

/** One colour per RAVDESS emotion, distinct on the waveform and in the strip. */
export const EMOTION_COLORS: Readonly<Record<Emotion, string>> = {
  neutral: '#8b93a1',
  calm: '#0e9f9a',
  happy: '#e3a008',
  sad: '#3b6fd8',
  angry: '#d63b2f',
  fearful: '#8b4fd1',
  disgust: '#5f8f1f',
  surprised: '#e4742b',
};

export const percent = (p: number): string => `${(p * 100).toFixed(p >= 0.995 || p < 0.001 ? 0 : 1)}%`;

export interface TimelineSegment {
  start: number;
  end: number;
  emotion: Emotion;
  confidence: number;
}

/**
 * Non-overlapping segments for windows that overlap (every hop): each window owns the time from its
 * start to the next window's start; the last owns the rest of itself. Adjacent segments of the same
 * emotion merge.
 */
export function timelineSegments(windows: readonly PredictionWindow[]): TimelineSegment[] {
  const sorted = [...windows].sort((a, b) => a.start - b.start);
  const segments: TimelineSegment[] = [];
  sorted.forEach((w, i) => {
    const end = Math.min(w.end, sorted[i + 1]?.start ?? w.end);
    if (end <= w.start) return;
    const last = segments.at(-1);
    if (last && last.emotion === w.emotion && Math.abs(last.end - w.start) < 1e-9) {
      last.confidence = (last.confidence * (last.end - last.start) + w.confidence * (end - w.start)) / (end - last.start);
      last.end = end;
    } else {
      segments.push({ start: w.start, end, emotion: w.emotion, confidence: w.confidence });
    }
  });
  return segments;
}

/** Whether the prediction was made in sliding windows (a long clip) rather than the one training window. */
export const isWindowed = (p: Prediction): boolean => p.windows.length > 1;
