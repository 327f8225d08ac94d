/**
 * Prediction in the calling thread, with one model cache per thread: what the prediction worker runs,
 * and what the CLI runs directly (a single command would only pay for a worker's start-up).
 */
import type { Prediction } from '../../../shared/prediction';
import { initResampler } from '../audio/resample';
import { predictFile } from './predictFile';
import { PredictorCache } from './predictor';
import type { PredictTask } from './service';

let cache: PredictorCache | null = null;

export async function predictInProcess(task: PredictTask): Promise<Prediction> {
  await initResampler();
  cache ??= new PredictorCache();
  return cache.use(task.dir, (predictor) =>
    predictFile(predictor, task.path, { hopSec: task.hopSec, displayName: task.displayName, experimentId: task.experimentId, speaker: task.speaker }),
  );
}

/** Dispose every cached model of this thread. */
export function releaseInProcess(): void {
  cache?.clear();
  cache = null;
}
