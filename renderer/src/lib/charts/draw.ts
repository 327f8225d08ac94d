/**
 * Small canvas drawing helpers for the feature plots: a plot rectangle inside margins, linear scales,
 * tick-labelled axes, an RGBA image stretched into the plot, a colour bar and a polyline. They only
 * draw what they are given; choosing ranges and ticks lives in the pure modules beside this one.
 */
import { colorAt, cssColor, type Colormap } from './colormap';
import type { ValueRange } from './matrixImage';
import { formatTick, niceStep, niceTicks } from './ticks';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export const AXIS_COLOR = '#5f6672';
export const GRID_COLOR = '#eceef1';
export const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

export function plotRect(width: number, height: number, m: Margins): Rect {
  return {
    x: m.left,
    y: m.top,
    width: Math.max(0, width - m.left - m.right),
    height: Math.max(0, height - m.top - m.bottom),
  };
}

/** Map `domain` onto `range` linearly (a zero-width domain maps to the range's start). */
export function scaleLinear(domain: ValueRange, range: readonly [number, number]): (value: number) => number {
  const span = domain.max - domain.min;
  return (value) => (span === 0 ? range[0] : range[0] + ((value - domain.min) / span) * (range[1] - range[0]));
}

/**
 * Size the canvas backing store for the device pixel ratio and return a context drawing in CSS
 * pixels, or null where there is no 2D canvas (a test DOM) or nothing to draw into.
 */
export function prepareCanvas(canvas: HTMLCanvasElement, cssWidth: number, cssHeight: number): CanvasRenderingContext2D | null {
  if (cssWidth <= 0 || cssHeight <= 0) return null;
  const ratio = typeof window !== 'undefined' && window.devicePixelRatio > 0 ? window.devicePixelRatio : 1;
  const width = Math.round(cssWidth * ratio);
  const height = Math.round(cssHeight * ratio);
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, cssWidth, cssHeight);
  ctx.font = FONT;
  return ctx;
}

export interface AxisOptions {
  label?: string;
  maxTicks?: number;
  /** Horizontal grid lines across the plot at each tick (y axis only). */
  grid?: boolean;
  format?: (value: number, step: number) => string;
}

/** Ticks and labels under `rect` for `domain` (e.g. time in seconds). */
export function drawXAxis(ctx: CanvasRenderingContext2D, rect: Rect, domain: ValueRange, options: AxisOptions = {}): void {
  const maxTicks = options.maxTicks ?? Math.max(2, Math.floor(rect.width / 70));
  const step = niceStep(domain.max - domain.min, maxTicks);
  const x = scaleLinear(domain, [rect.x, rect.x + rect.width]);
  const bottom = rect.y + rect.height;
  ctx.strokeStyle = AXIS_COLOR;
  ctx.fillStyle = AXIS_COLOR;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(rect.x, bottom + 0.5);
  ctx.lineTo(rect.x + rect.width, bottom + 0.5);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const tick of niceTicks(domain.min, domain.max, maxTicks)) {
    const px = Math.round(x(tick)) + 0.5;
    ctx.moveTo(px, bottom);
    ctx.lineTo(px, bottom + 4);
    ctx.fillText((options.format ?? formatTick)(tick, step), px, bottom + 6);
  }
  ctx.stroke();
  if (options.label) {
    ctx.textAlign = 'right';
    ctx.fillText(options.label, rect.x + rect.width, bottom + 19);
  }
}

/** Ticks and labels left of `rect` for `domain` (bottom = min). */
export function drawYAxis(ctx: CanvasRenderingContext2D, rect: Rect, domain: ValueRange, options: AxisOptions = {}): void {
  const maxTicks = options.maxTicks ?? Math.max(2, Math.floor(rect.height / 28));
  const step = niceStep(domain.max - domain.min, maxTicks);
  const y = scaleLinear(domain, [rect.y + rect.height, rect.y]);
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const tick of niceTicks(domain.min, domain.max, maxTicks)) {
    const py = Math.round(y(tick)) + 0.5;
    if (options.grid) {
      ctx.strokeStyle = GRID_COLOR;
      ctx.beginPath();
      ctx.moveTo(rect.x, py);
      ctx.lineTo(rect.x + rect.width, py);
      ctx.stroke();
    }
    ctx.strokeStyle = AXIS_COLOR;
    ctx.fillStyle = AXIS_COLOR;
    ctx.beginPath();
    ctx.moveTo(rect.x - 4, py);
    ctx.lineTo(rect.x, py);
    ctx.stroke();
    ctx.fillText((options.format ?? formatTick)(tick, step), rect.x - 6, py);
  }
  ctx.strokeStyle = AXIS_COLOR;
  ctx.beginPath();
  ctx.moveTo(rect.x - 0.5, rect.y);
  ctx.lineTo(rect.x - 0.5, rect.y + rect.height);
  ctx.stroke();
  if (options.label) {
    ctx.save();
    ctx.translate(11, rect.y + rect.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(options.label, 0, 0);
    ctx.restore();
  }
}

/** An offscreen canvas holding `rgba` (`cols` × `rows`), to be stretched into a plot by `drawImage`. */
export function rgbaCanvas(rgba: Uint8ClampedArray<ArrayBuffer>, cols: number, rows: number): HTMLCanvasElement | null {
  if (cols <= 0 || rows <= 0 || typeof ImageData === 'undefined') return null;
  const canvas = document.createElement('canvas');
  canvas.width = cols;
  canvas.height = rows;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.putImageData(new ImageData(rgba, cols, rows), 0, 0);
  return canvas;
}

export function drawImageInto(ctx: CanvasRenderingContext2D, rect: Rect, image: HTMLCanvasElement, smooth: boolean): void {
  ctx.save();
  ctx.imageSmoothingEnabled = smooth;
  ctx.drawImage(image, rect.x, rect.y, rect.width, rect.height);
  ctx.restore();
}

/** A vertical colour bar in `rect` with value ticks on its right and `label` above it. */
export function drawColorbar(ctx: CanvasRenderingContext2D, rect: Rect, map: Colormap, range: ValueRange, label: string): void {
  const rows = Math.max(1, Math.round(rect.height));
  for (let i = 0; i < rows; i++) {
    ctx.fillStyle = cssColor(colorAt(map, 1 - i / Math.max(1, rows - 1)));
    ctx.fillRect(rect.x, rect.y + (i * rect.height) / rows, rect.width, rect.height / rows + 0.5);
  }
  ctx.strokeStyle = AXIS_COLOR;
  ctx.lineWidth = 1;
  ctx.strokeRect(rect.x + 0.5, rect.y + 0.5, rect.width - 1, rect.height - 1);
  const maxTicks = Math.max(2, Math.floor(rect.height / 24));
  const step = niceStep(range.max - range.min, maxTicks);
  const y = scaleLinear(range, [rect.y + rect.height, rect.y]);
  ctx.fillStyle = AXIS_COLOR;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.beginPath();
  for (const tick of niceTicks(range.min, range.max, maxTicks)) {
    const py = Math.round(y(tick)) + 0.5;
    ctx.moveTo(rect.x + rect.width, py);
    ctx.lineTo(rect.x + rect.width + 3, py);
    ctx.fillText(formatTick(tick, step), rect.x + rect.width + 5, py);
  }
  ctx.stroke();
  ctx.textAlign = 'left';
  ctx.textBaseline = 'bottom';
  ctx.fillText(label, rect.x, rect.y - 3);
}

/** `values` as a polyline across `rect`, the first value at the left edge and the last at the right. */
export function drawPolyline(ctx: CanvasRenderingContext2D, rect: Rect, values: readonly number[], domain: ValueRange, color: string): void {
  if (values.length === 0) return;
  const y = scaleLinear(domain, [rect.y + rect.height, rect.y]);
  const dx = values.length > 1 ? rect.width / (values.length - 1) : 0;
  ctx.save();
  ctx.beginPath();
  ctx.rect(rect.x, rect.y, rect.width, rect.height);
  ctx.clip();
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  let pen = false;
  values.forEach((value, i) => {
    if (!Number.isFinite(value)) {
      pen = false;
      return;
    }
    const px = rect.x + i * dx;
    const py = y(value);
    if (pen) ctx.lineTo(px, py);
    else ctx.moveTo(px, py);
    pen = true;
  });
  ctx.stroke();
  ctx.restore();
}
