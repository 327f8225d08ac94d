/**
 * The view and its selection live in the URL's hash: parsing and formatting round-trip, anything odd is
 * the Dataset view, and the app restores the view and selection after a reload (a fresh mount on the
 * same URL), and follows Back.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, type Route } from '../../renderer/src/app/route';
import { FakeEngine, RAVDESS_ROOT } from './fakeEngine';
import { fakeExperiments } from './fakeExperiments';
import { renderApp, textOf } from './helpers';

describe('parseRoute / formatRoute', () => {
  const routes: Route[] = [
    { view: 'dataset' },
    { view: 'clip', clip: { datasetId: 1, clipId: 42 } },
    { view: 'clip', clip: null },
    { view: 'train' },
    { view: 'experiments', experimentId: 7 },
    { view: 'experiments', experimentId: null },
    { view: 'compare', ids: [1, 4, 2] },
    { view: 'compare', ids: [] },
  ];
  it.each(routes)('round-trips %j', (route) => {
    expect(parseRoute(formatRoute(route))).toEqual(route);
  });

  it('anything unknown or malformed falls back safely', () => {
    expect(parseRoute('')).toEqual({ view: 'dataset' });
    expect(parseRoute('#/nope')).toEqual({ view: 'dataset' });
    expect(parseRoute('#/clip/1')).toEqual({ view: 'clip', clip: null });
    expect(parseRoute('#/clip/x/2')).toEqual({ view: 'clip', clip: null });
    expect(parseRoute('#/experiments/0')).toEqual({ view: 'experiments', experimentId: null });
    expect(parseRoute('#/compare/1,x')).toEqual({ view: 'compare', ids: [] });
    expect(parseRoute('#/compare/2,2,3')).toEqual({ view: 'compare', ids: [2, 3] });
    expect(parseRoute('#/compare/1,99999999999999999999')).toEqual({ view: 'compare', ids: [] });
  });
});

function seeded(): FakeEngine {
  const engine = new FakeEngine();
  engine.seedDataset(RAVDESS_ROOT);
  engine.seedExperiments(fakeExperiments());
  return engine;
}

const current = (): string | null => screen.getByRole('navigation', { name: 'Main' }).querySelector('[aria-current="page"]')?.textContent?.trim() ?? null;

async function nav(label: string): Promise<void> {
  await fireEvent.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('button', { name: label }));
}

describe('the URL keeps the view and selection', () => {
  it('Compare with two runs picked: the URL says so, and a reload shows the same comparison', async () => {
    const engine = seeded();
    const first = renderApp(engine);
    await nav('Compare');
    const picker = await screen.findByTestId('compare-picker');
    for (const id of [1, 4]) await fireEvent.click(within(picker).getByRole('checkbox', { name: new RegExp(`#${id}\\b`) }));
    await waitFor(() => expect(location.hash).toBe('#/compare/1,4'));
    first.unmount();

    renderApp(engine);
    await waitFor(() => expect(current()).toBe('Compare'));
    const perClass = await screen.findByTestId('compare-per-class');
    await waitFor(() => expect([...perClass.querySelectorAll('thead th[data-experiment-id]')].map((th) => th.getAttribute('data-experiment-id'))).toEqual(['1', '4']));
  });

  it('an open experiment and an open clip come back after a reload; Back returns to the previous view', async () => {
    const engine = seeded();
    const first = renderApp(engine);
    await nav('Experiments');
    await fireEvent.click(await screen.findByRole('row', { name: 'Open experiment kfold-dnn' }));
    await waitFor(() => expect(location.hash).toBe('#/experiments/4'));
    first.unmount();
    const second = renderApp(engine);
    await waitFor(() => expect(current()).toBe('Experiments'));
    await waitFor(() => expect(screen.getByTestId('experiment-detail').textContent).toContain('kfold-dnn'));
    second.unmount();

    history.replaceState(null, '', '#/clip/1/3');
    renderApp(engine);
    await waitFor(() => expect(current()).toBe('Clip'));
    await waitFor(() => expect(textOf('clip-title')).toMatch(/\.wav$/));
    await nav('Train');
    expect(location.hash).toBe('#/train');
    history.back();
    await waitFor(() => expect(current()).toBe('Clip'));
    expect(location.hash).toBe('#/clip/1/3');
  });
});
