/**
 * Time spent in the current phase of a run (indexing, extracting features, writing artifacts) and the
 * time left at its current rate. Feature extraction is most of a first run, so it gets an ETA too.
 * The rate is measured from the first progress after the phase began (so worker start-up does not
 * count as slow work), and only once a fair share of the phase is done.
 */
import type { JobProgress } from '../../../../shared/contract';

export interface PhaseTiming {
  phase: string;
  /** When the phase was first seen (ms, `Date.now()` clock), and how far it was then. */
  startedAt: number;
  startDone: number;
  /** The first progress after the start: where the rate is measured from. */
  rateFrom: { at: number; done: number } | null;
  /** When its latest progress arrived. */
  updatedAt: number;
}

/** Share of the phase that must be done (after `rateFrom`) before an ETA is given. */
export const ETA_AFTER_SHARE = 0.02;

/** The timing after a progress message arrives at `now`: restarted when the phase changes. */
export function nextPhaseTiming(previous: PhaseTiming | null, progress: JobProgress, now: number): PhaseTiming {
  if (previous === null || previous.phase !== progress.phase) {
    return { phase: progress.phase, startedAt: now, startDone: progress.done, rateFrom: null, updatedAt: now };
  }
  const rateFrom = previous.rateFrom ?? (progress.done > previous.startDone ? { at: now, done: progress.done } : null);
  return { ...previous, rateFrom, updatedAt: now };
}

/** Seconds in the phase so far, and left at the rate seen since `rateFrom` (null until a rate is known). */
export function phaseElapsedEta(timing: PhaseTiming, progress: JobProgress): { elapsedSec: number; etaSec: number | null } {
  const elapsedSec = Math.max(0, (timing.updatedAt - timing.startedAt) / 1000);
  const from = timing.rateFrom;
  if (timing.phase !== progress.phase || progress.total <= 0 || from === null) return { elapsedSec, etaSec: null };
  const done = progress.done - from.done;
  const seconds = (timing.updatedAt - from.at) / 1000;
  if (done < Math.max(1, ETA_AFTER_SHARE * progress.total) || seconds < 0.5) return { elapsedSec, etaSec: null };
  return { elapsedSec, etaSec: (seconds / done) * Math.max(0, progress.total - progress.done) };
}
