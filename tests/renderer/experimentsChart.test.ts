/**
 * UPlotChart (the learning curves' wrapper) with uPlot replaced by a recorder: it creates the chart once
 * its container has a width, resizes it with the container, rebuilds it for new data, and destroys it on
 * unmount; where there is no 2D canvas it only renders its accessible label.
 */
import { render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import UPlotChart from '../../renderer/src/lib/charts/UPlotChart.svelte';

const charts = vi.hoisted(() => {
  class FakeUPlot {
    static created: FakeUPlot[] = [];
    sizes: Array<{ width: number; height: number }> = [];
    destroyed = false;
    constructor(
      readonly opts: { width: number; height: number; series: unknown[] },
      readonly data: unknown[],
      readonly target: HTMLElement,
    ) {
      FakeUPlot.created.push(this);
    }
    setSize(size: { width: number; height: number }): void {
      this.sizes.push(size);
    }
    destroy(): void {
      this.destroyed = true;
    }
  }
  return FakeUPlot;
});

vi.mock('uplot', () => ({ default: charts }));

let width = 640;
const observers: Array<() => void> = [];

class FakeResizeObserver {
  constructor(readonly callback: () => void) {
    observers.push(callback);
  }
  observe(): void {}
  disconnect(): void {}
}

const options = { series: [{ label: 'epoch' }, { label: 'train' }] };
const data: [number[], number[]] = [
  [1, 2, 3],
  [0.2, 0.4, 0.5],
];

beforeEach(() => {
  charts.created.length = 0;
  observers.length = 0;
  width = 640;
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockImplementation(() => width);
  vi.stubGlobal('ResizeObserver', FakeResizeObserver);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('UPlotChart', () => {
  it('creates, resizes, rebuilds and destroys the chart', async () => {
    // Any non-null context: the fake uPlot never draws. (The overloads' last signature is the WebGPU one.)
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue({} as unknown as null);
    vi.stubGlobal('matchMedia', () => ({ matches: false, addEventListener() {}, removeEventListener() {} }));
    const view = render(UPlotChart, { props: { options, data, height: 180, label: 'Accuracy per epoch' } });
    await waitFor(() => expect(charts.created).toHaveLength(1));
    const chart = charts.created[0];
    if (!chart) throw new Error('no chart');
    expect(chart.opts.width).toBe(640);
    expect(chart.opts.height).toBe(180);
    expect(chart.opts.series).toHaveLength(2);
    expect(chart.data).toBe(data);
    expect(screen.getByRole('img', { name: 'Accuracy per epoch' }).contains(chart.target)).toBe(true);

    width = 400;
    for (const notify of observers) notify();
    await waitFor(() => expect(chart.sizes.at(-1)).toEqual({ width: 400, height: 180 }));
    expect(charts.created).toHaveLength(1);

    await view.rerender({ options, data: [[1, 2], [0.1, 0.2]], height: 180, label: 'Accuracy per epoch' });
    await waitFor(() => expect(charts.created).toHaveLength(2));
    expect(chart.destroyed).toBe(true);
    expect(charts.created[1]?.opts.width).toBe(400);

    view.unmount();
    expect(charts.created[1]?.destroyed).toBe(true);
  });

  it('renders only its label where there is no 2D canvas', async () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    render(UPlotChart, { props: { options, data, label: 'Loss per epoch' } });
    expect(screen.getByRole('img', { name: 'Loss per epoch' })).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(charts.created).toHaveLength(0);
  });
});
