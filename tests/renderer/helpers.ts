import { render, screen, within } from '@testing-library/svelte';
import { createClient } from '../../shared/client';
import App from '../../renderer/src/App.svelte';
import { ConnectionState } from '../../renderer/src/lib/api/connection.svelte';
import type { FakeEngine } from './fakeEngine';

export function renderApp(engine: FakeEngine, connection = new ConnectionState('open')) {
  const client = createClient(engine);
  const result = render(App, { props: { client, connection } });
  return { ...result, client, connection };
}

export function textOf(testId: string): string {
  return (screen.getByTestId(testId).textContent ?? '').trim();
}

/** `{ neutral: 96, calm: 192, … }` from the by-emotion table. */
export function emotionCounts(): Record<string, number> {
  const table = screen.getByTestId('by-emotion');
  const counts: Record<string, number> = {};
  for (const row of within(table).getAllByRole('row')) {
    const label = row.querySelector('th[scope="row"]')?.textContent?.trim();
    const value = row.querySelector('td')?.textContent?.trim();
    if (label !== undefined && value !== undefined) counts[label] = Number(value);
  }
  return counts;
}

export function select(label: string): HTMLSelectElement {
  const element = screen.getByRole('combobox', { name: label });
  if (!(element instanceof HTMLSelectElement)) throw new Error(`${label} is not a <select>`);
  return element;
}

export function bodyRows(): HTMLElement[] {
  const table = screen.getByTestId('clip-table');
  return within(table)
    .getAllByRole('row')
    .filter((row) => row.getAttribute('aria-rowindex') !== '1');
}
