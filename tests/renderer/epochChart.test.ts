/**
 * The learning-curve chart options (uPlot), called the way uPlot calls them: the legend shows the latest
 * value until the cursor is over the chart, epoch ticks are whole numbers, a single epoch is drawn as
 * a dot on a non-degenerate axis, accuracy and loss share a cursor, and the markers draw where asked.
 */
import type uPlot from 'uplot';
import { describe, expect, it } from 'vitest';
import { EPOCH_TICK_STEPS, epochChartOptions, lastValue, POINTS_BELOW } from '../../renderer/src/lib/charts/epochChart';
import { stoppingFacts, stoppingText } from '../../renderer/src/features/experiments/experimentQuery';
import type { EpochLog } from '../../shared/experiments';

type LegendValue = (u: uPlot, raw: number | null, seriesIdx: number, idx: number | null) => string;

const plot = (data: Array<Array<number | null>>, extra: Partial<Record<string, unknown>> = {}) => ({ data, ...extra }) as unknown as uPlot;

describe('epochChartOptions', () => {
  const options = epochChartOptions('Accuracy', 'accuracy', [
    { label: 'train', stroke: '#000' },
    { label: 'validation', stroke: '#111', dashed: true },
  ]);
  const series = options.series as Array<{ value: LegendValue; points: { show: (u: uPlot) => boolean }; dash?: number[] }>;

  it('the legend shows the latest epoch and values while not hovered, the hovered epoch’s otherwise', () => {
    const u = plot([
      [1, 2, 3],
      [0.1, 0.25, 0.3],
      [0.2, 0.4, null],
    ]);
    expect(series[0]?.value(u, null, 0, null)).toBe('3');
    expect(series[1]?.value(u, null, 1, null)).toBe('0.300');
    // A series that has no value at the last epoch shows its own latest.
    expect(series[2]?.value(u, null, 2, null)).toBe('0.400');
    expect(series[1]?.value(u, 0.25, 1, 1)).toBe('0.250');
    expect(series[2]?.value(u, null, 2, 2)).toBe('—');
    expect(lastValue([])).toBeNull();
  });

  it('ticks at whole epochs only; one epoch gets the axis 1–2 and a dot', () => {
    const axis = (options.axes as Array<{ incrs: number[]; values: (u: uPlot, splits: number[]) => string[] }>)[0];
    expect(axis?.incrs).toBe(EPOCH_TICK_STEPS);
    expect(EPOCH_TICK_STEPS.every(Number.isInteger)).toBe(true);
    expect(axis?.values(plot([]), [1, 1.5, 2])).toEqual(['1', '', '2']);
    const range = (options.scales?.x as { range: (u: uPlot, min: number, max: number) => [number, number] }).range;
    expect(range(plot([[1]]), 1, 1)).toEqual([1, 2]);
    expect(range(plot([[1, 2, 3]]), 1, 40)).toEqual([1, 40]);
    expect(series[1]?.points.show(plot([[1]]))).toBe(true);
    expect(series[1]?.points.show(plot([Array.from({ length: POINTS_BELOW }, (_, i) => i + 1)]))).toBe(false);
    expect(series[2]?.dash).toEqual([6, 4]);
  });

  it('charts given a sync key share a cursor; markers draw a labelled line at their epoch', () => {
    expect(options.cursor).toBeUndefined();
    const calls: string[] = [];
    const ctx = {
      save() {},
      restore() {},
      setLineDash() {},
      beginPath() {},
      stroke() {},
      moveTo: (x: number, y: number) => calls.push(`move ${x},${y}`),
      lineTo: (x: number, y: number) => calls.push(`line ${x},${y}`),
      fillText: (text: string) => calls.push(`text ${text}`),
    };
    const marked = epochChartOptions('Loss', 'loss', [{ label: 'train', stroke: '#000' }], {
      syncKey: 'run-7',
      markers: [
        { epoch: 12, label: 'best (kept): 12', color: '#0f0' },
        { epoch: 22, label: 'early stop: 22', color: '#f00' },
      ],
    });
    expect(marked.cursor?.sync?.key).toBe('run-7');
    const draw = marked.hooks?.draw?.[0] as (u: uPlot) => void;
    draw(plot([], { ctx, bbox: { top: 5, height: 100, left: 0, width: 400 }, valToPos: (v: number) => v * 10 }));
    expect(calls).toEqual(['move 120,5', 'line 120,105', 'text best (kept): 12', 'move 220,5', 'line 220,105', 'text early stop: 22']);
  });
});

describe('stoppingFacts', () => {
  const log = (epoch: number, extra: Partial<EpochLog> = {}): EpochLog => ({ epoch, loss: 1, acc: 0.5, valLoss: 1, valAcc: 0.5, lr: 0.001, seconds: 1, ...extra });

  it('reads the kept epoch and the early stop from each fold’s last log', () => {
    const single = [[log(1, { bestEpoch: 1 }), log(2, { bestEpoch: 1 }), log(3, { bestEpoch: 1, earlyStop: true })]];
    expect(stoppingFacts(single)).toEqual([{ fold: null, bestEpoch: 1, stoppedAt: 3, lastEpoch: 3 }]);
    expect(stoppingText(stoppingFacts(single)[0] as never)).toBe('early stopping ended it at epoch 3; best validation loss at epoch 1 (those weights are kept).');
    const folds = [[log(1, { bestEpoch: 1 }), log(2, { bestEpoch: 2 })], []];
    expect(stoppingFacts(folds)).toEqual([{ fold: 1, bestEpoch: 2, stoppedAt: null, lastEpoch: 2 }]);
    expect(stoppingText(stoppingFacts(folds)[0] as never)).toBe('Fold 1: 2 epochs; best validation loss at epoch 2 (those weights are kept).');
    // Runs recorded before the fields existed say nothing about either.
    expect(stoppingFacts([[log(1), log(2)]])).toEqual([{ fold: null, bestEpoch: null, stoppedAt: null, lastEpoch: 2 }]);
  });
});
