/** What the uPlot learning-curve charts share: one series palette, the epoch-axis options, the data shape. */
import type uPlot from 'uplot';

/** Series colours, in order (a run, a fold, or train then validation). */
export const SERIES_COLORS = ['#4f46e5', '#d97706', '#15803d', '#b42318', '#0e7490', '#7c3aed', '#be185d', '#4d7c0f'] as const;

export const seriesColor = (index: number): string => SERIES_COLORS[index % SERIES_COLORS.length] ?? SERIES_COLORS[0];

export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

/** A line per series over an `epoch` x axis (a count, not time): solid, or dashed where asked. */
export function epochChartOptions(title: string, yLabel: string, series: ReadonlyArray<{ label: string; stroke: string; dashed?: boolean }>): ChartOptions {
  return {
    title,
    scales: { x: { time: false } },
    axes: [{ label: 'epoch' }, { label: yLabel }],
    series: [
      { label: 'epoch' },
      ...series.map((s) => ({ label: s.label, stroke: s.stroke, width: 1.5, points: { show: false }, ...(s.dashed ? { dash: [6, 4] } : {}), spanGaps: false })),
    ],
  };
}

/** Rows of x then each series, with gaps as null, as uPlot takes them. */
export const alignedData = (data: Array<Array<number | null>>): uPlot.AlignedData => data as unknown as uPlot.AlignedData;
