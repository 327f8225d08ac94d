/** Axis ticks at "nice" values (1, 2, 2.5, 5 × 10ⁿ), as chart libraries place them. */

const NICE = [1, 2, 2.5, 5, 10];

/** The smallest nice step that covers `span` in at most `maxTicks` intervals. */
export function niceStep(span: number, maxTicks: number): number {
  if (!(span > 0) || !(maxTicks >= 1)) return 1;
  const raw = span / maxTicks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = NICE.find((n) => n * magnitude >= raw * (1 - 1e-9)) ?? 10;
  return step * magnitude;
}

/** Tick values within [min, max] (inclusive, within rounding) at a nice step. */
export function niceTicks(min: number, max: number, maxTicks = 6): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max < min) [min, max] = [max, min];
  if (max === min) return [min];
  const step = niceStep(max - min, maxTicks);
  const first = Math.ceil(min / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= max + step * 1e-9; v += step) ticks.push(roundTo(v, step));
  return ticks;
}

/** Decimals needed to print values at `step` without noise. */
export function stepDecimals(step: number): number {
  if (!(step > 0)) return 0;
  for (let d = 0; d <= 6; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6) return d;
  }
  return 6;
}

export function formatTick(value: number, step: number): string {
  const text = value.toFixed(stepDecimals(step));
  return text === '-0' || /^-0\.0*$/.test(text) ? text.slice(1) : text;
}

function roundTo(value: number, step: number): number {
  const d = stepDecimals(step);
  return Number(value.toFixed(d));
}

/** The smallest "nice" number ≥ `value` on a grid of about `maxTicks` steps (an axis top). */
export function niceCeil(value: number, maxTicks = 5): number {
  if (!(value > 0)) return 1;
  const step = niceStep(value, maxTicks);
  return roundTo(Math.ceil(value / step - 1e-9) * step, step);
}
