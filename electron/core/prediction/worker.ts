/** Worker thread for the prediction service: scores one file per task; loaded models stay cached here. */
import type { Prediction } from '../../../shared/prediction';
import { initResampler } from '../audio/resample';
import { serveTasks } from '../workers/pool';
import { predictInProcess } from './inProcess';
import type { PredictTask } from './service';

await initResampler();
await serveTasks<PredictTask, Prediction>(async (task) => ({ result: await predictInProcess(task) }));
