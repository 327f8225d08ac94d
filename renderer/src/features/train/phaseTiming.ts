/**
 * Time spent in the current phase of a run (indexing, extracting features, writing artifacts) and the
 * time left at its current rate. Feature extraction is most of a first run, so it gets an ETA too.
 */
import type { JobProgress } from '../../../../shared/contract';

export interface PhaseTiming {
  phase: string;
  /** When the phase was first seen (ms, `Date.now()` clock), and how far it was then. */
  startedAt: number;
  startDone: number;
  /** When its latest progress arrived. */
  updatedAt: number;
}

/** The timing after a progress message arrives at `now`: restarted when the phase changes. */
export function nextPhaseTiming(previous: PhaseTiming | null, progress: JobProgress, now: number): PhaseTiming {
  if (previous === null || previous.phase !== progress.phase) {
    return { phase: progress.phase, startedAt: now, startDone: progress.done, updatedAt: now };
  }
  return { ...previous, updatedAt: now };
}

/** Seconds in the phase so far, and left at the rate seen since it started (null until a rate is known). */
export function phaseElapsedEta(timing: PhaseTiming, progress: JobProgress): { elapsedSec: number; etaSec: number | null } {
  const elapsedSec = Math.max(0, (timing.updatedAt - timing.startedAt) / 1000);
  const doneSince = progress.done - timing.startDone;
  if (timing.phase !== progress.phase || progress.total <= 0 || doneSince <= 0 || elapsedSec < 0.5) return { elapsedSec, etaSec: null };
  return { elapsedSec, etaSec: (elapsedSec / doneSince) * Math.max(0, progress.total - progress.done) };
}
