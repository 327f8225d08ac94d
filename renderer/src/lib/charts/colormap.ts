/**
 * Colour maps as 256-entry RGB lookup tables, built once from a few published control points by linear
 * interpolation. `viridis` (perceptually uniform, sequential) for magnitudes such as dB; `rdbu` (ColorBrewer
 * RdBu, blue → white → red) for signed values such as MFCCs.
 */

export type Rgb = readonly [r: number, g: number, b: number];

export interface Colormap {
  readonly name: string;
  /** 256 × [r, g, b], 0–255. */
  readonly lut: Uint8ClampedArray;
}

export const LUT_SIZE = 256;

/** Spread `stops` evenly over 0…1 and interpolate them into a 256-entry table. */
export function buildColormap(name: string, stops: readonly Rgb[]): Colormap {
  if (stops.length < 2) throw new Error(`colormap ${name} needs at least two stops`);
  const lut = new Uint8ClampedArray(LUT_SIZE * 3);
  const segments = stops.length - 1;
  for (let i = 0; i < LUT_SIZE; i++) {
    const position = (i / (LUT_SIZE - 1)) * segments;
    const k = Math.min(Math.floor(position), segments - 1);
    const f = position - k;
    const a = stops[k] as Rgb;
    const b = stops[k + 1] as Rgb;
    lut[i * 3] = Math.round(a[0] + (b[0] - a[0]) * f);
    lut[i * 3 + 1] = Math.round(a[1] + (b[1] - a[1]) * f);
    lut[i * 3 + 2] = Math.round(a[2] + (b[2] - a[2]) * f);
  }
  return { name, lut };
}

const hex = (value: string): Rgb => {
  const n = Number.parseInt(value.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
};

/** matplotlib's viridis at 16 evenly spaced points. */
export const VIRIDIS = buildColormap(
  'viridis',
  [
    '#440154', '#481a6c', '#472f7d', '#414487', '#39568c', '#31688e', '#2a788e', '#23888e',
    '#1f988b', '#22a884', '#35b779', '#54c568', '#7ad151', '#a5db36', '#d2e21b', '#fde725',
  ].map(hex),
);

/** ColorBrewer RdBu (11 classes), reversed so that low is blue and high is red; white in the middle. */
export const RDBU = buildColormap(
  'rdbu',
  [
    '#053061', '#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7',
    '#fddbc7', '#f4a582', '#d6604d', '#b2182b', '#67001f',
  ].map(hex),
);

/** LUT index of `t` in 0…1 (clamped; NaN → 0). */
export function lutIndex(t: number): number {
  if (!(t > 0)) return 0;
  if (t >= 1) return LUT_SIZE - 1;
  return Math.round(t * (LUT_SIZE - 1));
}

/** The colour of `t` in 0…1. */
export function colorAt(map: Colormap, t: number): Rgb {
  const i = lutIndex(t) * 3;
  return [map.lut[i] ?? 0, map.lut[i + 1] ?? 0, map.lut[i + 2] ?? 0];
}

export function cssColor([r, g, b]: Rgb): string {
  return `rgb(${r} ${g} ${b})`;
}
