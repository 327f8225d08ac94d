/** Builds the demo corpora once (cached) and shares their paths, read-only, with every test file. */
import type { TestProject } from 'vitest/node';
import { ensureDemoCorpus } from '../scripts/corpusCache';

declare module 'vitest' {
  export interface ProvidedContext {
    corpus24: string;
    /** 8 actors (480 clips): enough for actor splits, quick to train on. */
    corpus8: string;
  }
}

export default function setup(project: TestProject): void {
  project.provide('corpus24', ensureDemoCorpus(24, 1));
  project.provide('corpus8', ensureDemoCorpus(8, 1));
}
