/**
 * What the uPlot learning-curve charts share: one series palette, the epoch-axis options, the data
 * shape, and vertical markers (the restored best epoch, an early stop).
 */
import type uPlot from 'uplot';

/** Series colours, in order (a run, a fold, or train then validation). */
export const SERIES_COLORS = ['#4f46e5', '#d97706', '#15803d', '#b42318', '#0e7490', '#7c3aed', '#be185d', '#4d7c0f'] as const;

export const seriesColor = (index: number): string => SERIES_COLORS[index % SERIES_COLORS.length] ?? SERIES_COLORS[0];

export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

/** A vertical line at an epoch, labelled at the top of the plot. */
export interface EpochMarker {
  epoch: number;
  label: string;
  color: string;
}

/** Epoch ticks are whole numbers: uPlot picks the first of these steps that leaves room for labels. */
export const EPOCH_TICK_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000];

/** Below this many epochs each one is also drawn as a dot (a run with one epoch has no line to show). */
export const POINTS_BELOW = 30;

/** The last non-null value of a series: what the legend shows while the cursor is not over the chart. */
export function lastValue(values: ArrayLike<number | null | undefined>): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined && Number.isFinite(v)) return v;
  }
  return null;
}

/** Legend text of a value: the hovered epoch's, else the latest; three decimals, '—' for none. */
function legendValue(self: uPlot, raw: number | null, seriesIdx: number, idx: number | null): string {
  const value = idx === null ? lastValue(self.data[seriesIdx] ?? []) : raw;
  return value === null ? '—' : value.toFixed(3);
}

function epochLegendValue(self: uPlot, raw: number | null, _seriesIdx: number, idx: number | null): string {
  const value = idx === null ? lastValue(self.data[0] ?? []) : raw;
  return value === null ? '—' : String(value);
}

function drawMarkers(markers: readonly EpochMarker[]): (u: uPlot) => void {
  return (u) => {
    const { ctx } = u;
    const { top, height } = u.bbox;
    const ratio = typeof devicePixelRatio === 'number' ? devicePixelRatio : 1;
    ctx.save();
    markers.forEach((m, i) => {
      const x = Math.round(u.valToPos(m.epoch, 'x', true));
      ctx.strokeStyle = m.color;
      ctx.fillStyle = m.color;
      ctx.lineWidth = ratio;
      ctx.setLineDash([3 * ratio, 3 * ratio]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      ctx.font = `${11 * ratio}px system-ui, sans-serif`;
      ctx.textAlign = x > u.bbox.left + u.bbox.width / 2 ? 'right' : 'left';
      ctx.fillText(m.label, x + (ctx.textAlign === 'right' ? -4 : 4) * ratio, top + (12 + 13 * i) * ratio);
    });
    ctx.restore();
  };
}

export interface EpochChartExtras {
  /** Charts with the same key move their cursors together (accuracy and loss of one run). */
  syncKey?: string;
  markers?: readonly EpochMarker[];
}

/** A line per series over an `epoch` x axis (a count, not time): solid, or dashed where asked. */
export function epochChartOptions(
  title: string,
  yLabel: string,
  series: ReadonlyArray<{ label: string; stroke: string; dashed?: boolean }>,
  extras: EpochChartExtras = {},
): ChartOptions {
  const markers = extras.markers ?? [];
  return {
    title,
    scales: {
      // One epoch still gets an axis from 1 to 2 rather than a degenerate range.
      x: { time: false, range: (_u, min, max) => [Math.min(1, min ?? 1), Math.max(2, max ?? 2)] },
    },
    axes: [
      { label: 'epoch', incrs: EPOCH_TICK_STEPS, values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')) },
      { label: yLabel },
    ],
    ...(extras.syncKey ? { cursor: { sync: { key: extras.syncKey } } } : {}),
    ...(markers.length > 0 ? { hooks: { draw: [drawMarkers(markers)] } } : {}),
    series: [
      { label: 'epoch', value: epochLegendValue },
      ...series.map((s) => ({
        label: s.label,
        stroke: s.stroke,
        width: 1.5,
        value: legendValue,
        points: { show: (u: uPlot) => (u.data[0]?.length ?? 0) < POINTS_BELOW, size: 5, fill: s.stroke },
        ...(s.dashed ? { dash: [6, 4] } : {}),
        spanGaps: false,
      })),
    ],
  };
}

/** Rows of x then each series, with gaps as null, as uPlot takes them. */
export const alignedData = (data: Array<Array<number | null>>): uPlot.AlignedData => data as unknown as uPlot.AlignedData;
