/** Builds the 24-actor demo corpus once (cached) and shares its path, read-only, with every test file. */
import type { TestProject } from 'vitest/node';
import { ensureDemoCorpus } from '../scripts/corpusCache';

declare module 'vitest' {
  export interface ProvidedContext {
    corpus24: string;
  }
}

export default function setup(project: TestProject): void {
  project.provide('corpus24', ensureDemoCorpus(24, 1));
}
