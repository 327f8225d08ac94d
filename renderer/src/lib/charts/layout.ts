/** Plot geometry shared by the canvas plots and their HTML overlays (the playback cursor). */
import type { Margins, Rect } from './draw';
import type { ValueRange } from './matrixImage';

export const HEATMAP_MARGINS: Margins = { top: 14, right: 64, bottom: 34, left: 48 };
export const LINE_MARGINS: Margins = { top: 10, right: 16, bottom: 34, left: 56 };

/** Horizontal pixel of `time` in `rect`, or null when it is outside the plotted span. */
export function cursorX(rect: Rect, domain: ValueRange, time: number | null): number | null {
  if (time === null || !Number.isFinite(time) || domain.max <= domain.min) return null;
  if (time < domain.min || time > domain.max) return null;
  return rect.x + ((time - domain.min) / (domain.max - domain.min)) * rect.width;
}
