/**
 * The experiment detail's split panel for the two ways validation actors can end up in training:
 * rotated ensemble validation (each network stops on its own group of the training actors) and the
 * classical models' refit after their validation score.
 */
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import SplitPanel from '../../renderer/src/features/experiments/SplitPanel.svelte';
import type { SplitInfo } from '../../shared/experiments';

const base: SplitInfo = {
  kind: 'actor',
  speakerDependent: false,
  trainActors: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
  validationActors: [],
  testActors: [21, 22, 23, 24],
  counts: { train: 880, validation: 0, test: 176 },
};

describe('SplitPanel', () => {
  it('rotated validation: lists each network’s group instead of a validation set', () => {
    render(SplitPanel, { props: { split: { ...base, towerValidation: { by: 'actor', groups: [[1, 2], [3, 4]] } } } });
    expect(screen.getByTestId('split-tower-validation').textContent).toBe(
      'rotated over the training actors, each network of the ensemble stopping on its own group: [01, 02] [03, 04]',
    );
  });

  it('k-fold with rotation: each fold’s row shows its groups', () => {
    const folds = [{ trainActors: [1, 2, 3, 4], validationActors: [], testActors: [5, 6], towerValidation: { by: 'actor' as const, groups: [[1, 3], [2, 4]] } }];
    render(SplitPanel, { props: { split: { ...base, kind: 'actor_kfold', folds } } });
    expect(screen.getByRole('table').textContent).toContain('rotated: 01, 03 | 02, 04');
  });

  it('classical refit: the validation actors are named with what happened to them', () => {
    render(SplitPanel, { props: { split: { ...base, trainActors: [1, 2, 3], validationActors: [19, 20], counts: { train: 792, validation: 88, test: 176 }, validationRefit: true } } });
    expect(screen.getByTestId('experiment-split').textContent).toMatch(/88 clips · actors 19, 20 · scored, then refitted on with the training actors/);
    expect(screen.queryByTestId('split-tower-validation')).toBeNull();
  });
});
