/** Worker thread: extracts one clip's features per task and moves the arrays back without copying. */
import { initResampler } from '../audio/resample';
import { serveTasks } from '../workers/pool';
import { computeClipFeatures, type ClipFeatureResult } from './clipFeatures';
import type { AudioOptions, DspOptions } from './featureConfig';

export interface ExtractRequest {
  path: string;
  audio: AudioOptions;
  dsp: DspOptions;
}

export type ExtractReply = ClipFeatureResult;

await initResampler();
await serveTasks<ExtractRequest, ExtractReply>(({ path, audio, dsp }) => {
  const result = computeClipFeatures(path, audio, dsp);
  return { result, transfer: [result.sequence.buffer as ArrayBuffer, result.stats.buffer as ArrayBuffer] };
});
