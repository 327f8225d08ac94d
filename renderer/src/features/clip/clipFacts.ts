/** The Clip view's fact lists: the RAVDESS fields from the file name, and the file's own facts. */
import type { Clip } from '../../../../shared/dataset';
import type { OpenedFile } from '../../../../shared/prediction';
import { STATEMENTS } from '../../../../shared/ravdess';
import { formatBytes, formatSeconds, twoDigits } from '../../lib/format';

export interface Fact {
  key: string;
  label: string;
  value: string;
}

export function ravdessFacts(clip: Clip): Fact[] {
  return [
    { key: 'emotion', label: 'Emotion', value: clip.emotion },
    { key: 'intensity', label: 'Intensity', value: clip.intensity },
    { key: 'statement', label: 'Statement', value: `${clip.statement} — “${STATEMENTS[clip.statement]}”` },
    { key: 'repetition', label: 'Repetition', value: String(clip.repetition) },
    { key: 'actor', label: 'Actor', value: twoDigits(clip.actor) },
    { key: 'gender', label: 'Gender', value: clip.gender },
  ];
}

const channelNames: Readonly<Record<number, string>> = { 1: 'mono', 2: 'stereo' };

export function fileFacts(clip: Pick<Clip, 'durationSec' | 'sampleRate' | 'channels' | 'bitDepth' | 'sizeBytes'>): Fact[] {
  const channels = channelNames[clip.channels];
  return [
    { key: 'duration', label: 'Duration', value: `${formatSeconds(clip.durationSec)} s` },
    { key: 'sample-rate', label: 'Sample rate', value: `${clip.sampleRate} Hz` },
    { key: 'channels', label: 'Channels', value: channels ? `${clip.channels} (${channels})` : String(clip.channels) },
    { key: 'bit-depth', label: 'Bit depth', value: `${clip.bitDepth}-bit` },
    { key: 'size', label: 'Size', value: formatBytes(clip.sizeBytes) },
  ];
}

/** An opened file's facts: what its header says, and the ground truth when its name is a RAVDESS one. */
export function openedFileFacts(file: OpenedFile): Fact[] {
  return [
    ...fileFacts(file),
    ...(file.groundTruth ? [{ key: 'emotion', label: 'Emotion (from the name)', value: file.groundTruth }] : []),
  ];
}
