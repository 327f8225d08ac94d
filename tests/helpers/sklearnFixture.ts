/**
 * A scikit-learn reference fixture (tests/fixtures/sklearn/<name>.json, written by
 * scripts/fixtures/sklearn_<name>.py): one fixed, standardised problem and one fit per case.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './cli';

export interface SklearnFixture<Case> {
  n_classes: number;
  x_train: number[][];
  y_train: number[];
  x_test: number[][];
  y_test: number[];
  cases: Case[];
}

/** The fixture with its rows flattened (row-major float64) and its dimensions. */
export function loadSklearnFixture<Case>(name: string): SklearnFixture<Case> & { d: number; k: number; xTrain: Float64Array; xTest: Float64Array } {
  const fixture = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, `tests/fixtures/sklearn/${name}.json`), 'utf8')) as SklearnFixture<Case>;
  return { ...fixture, d: fixture.x_train[0]?.length ?? 0, k: fixture.n_classes, xTrain: Float64Array.from(fixture.x_train.flat()), xTest: Float64Array.from(fixture.x_test.flat()) };
}
