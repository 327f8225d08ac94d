/** Filtering and sorting of clips for the clip table: pure functions over `Clip[]`. */
import type { Clip } from '../../../../shared/dataset';
import {
  EMOTIONS,
  GENDERS,
  INTENSITIES,
  STATEMENTS,
  type Emotion,
  type Gender,
  type Intensity,
  type Statement,
} from '../../../../shared/ravdess';
import { fileName, formatSeconds, twoDigits } from '../../lib/format';

export const ALL = 'all';
type OrAll<T> = T | typeof ALL;

export interface ClipFilters {
  emotion: OrAll<Emotion>;
  actor: OrAll<number>;
  gender: OrAll<Gender>;
  intensity: OrAll<Intensity>;
  statement: OrAll<Statement>;
}

export type FilterKey = keyof ClipFilters;

export const NO_FILTERS: ClipFilters = {
  emotion: ALL,
  actor: ALL,
  gender: ALL,
  intensity: ALL,
  statement: ALL,
};

function oneOf<T extends string>(values: readonly T[], raw: string): OrAll<T> {
  return (values as readonly string[]).includes(raw) ? (raw as T) : ALL;
}

/** Turn a `<select>` value into a typed filter value; anything unknown means "All". */
export function parseFilterValue<K extends FilterKey>(key: K, raw: string): ClipFilters[K];
export function parseFilterValue(key: FilterKey, raw: string): ClipFilters[FilterKey] {
  switch (key) {
    case 'emotion':
      return oneOf(EMOTIONS, raw);
    case 'gender':
      return oneOf(GENDERS, raw);
    case 'intensity':
      return oneOf(INTENSITIES, raw);
    case 'actor': {
      const actor = /^\d{1,2}$/.test(raw) ? Number(raw) : NaN;
      return Number.isInteger(actor) && actor >= 1 ? actor : ALL;
    }
    case 'statement':
      return raw === '1' ? 1 : raw === '2' ? 2 : ALL;
  }
}

/** The `<select>` value of a filter. Actors use their two-digit RAVDESS number. */
export function filterValueToString(key: FilterKey, value: ClipFilters[FilterKey]): string {
  if (value === ALL) return ALL;
  return key === 'actor' && typeof value === 'number' ? twoDigits(value) : String(value);
}

export function filterClips(clips: readonly Clip[], f: ClipFilters): Clip[] {
  return clips.filter(
    (c) =>
      (f.emotion === ALL || c.emotion === f.emotion) &&
      (f.actor === ALL || c.actor === f.actor) &&
      (f.gender === ALL || c.gender === f.gender) &&
      (f.intensity === ALL || c.intensity === f.intensity) &&
      (f.statement === ALL || c.statement === f.statement),
  );
}

export interface ClipColumn {
  key: 'file' | 'emotion' | 'intensity' | 'statement' | 'repetition' | 'actor' | 'gender' | 'duration' | 'sampleRate';
  label: string;
  /** CSS grid track. */
  width: string;
  numeric: boolean;
  text: (clip: Clip) => string;
  sortValue: (clip: Clip) => string | number;
}

export type ColumnKey = ClipColumn['key'];

const emotionRank = (e: Emotion): number => EMOTIONS.indexOf(e);

export const CLIP_COLUMNS: readonly ClipColumn[] = [
  { key: 'file', label: 'File', width: 'minmax(12rem, 2fr)', numeric: false, text: (c) => fileName(c.path), sortValue: (c) => c.path },
  { key: 'emotion', label: 'Emotion', width: 'minmax(6rem, 1fr)', numeric: false, text: (c) => c.emotion, sortValue: (c) => emotionRank(c.emotion) },
  { key: 'intensity', label: 'Intensity', width: 'minmax(5.5rem, 0.8fr)', numeric: false, text: (c) => c.intensity, sortValue: (c) => c.intensity },
  { key: 'statement', label: 'Statement', width: 'minmax(5.5rem, 0.8fr)', numeric: true, text: (c) => String(c.statement), sortValue: (c) => c.statement },
  { key: 'repetition', label: 'Repetition', width: 'minmax(5.5rem, 0.8fr)', numeric: true, text: (c) => String(c.repetition), sortValue: (c) => c.repetition },
  { key: 'actor', label: 'Actor', width: 'minmax(4rem, 0.6fr)', numeric: true, text: (c) => twoDigits(c.actor), sortValue: (c) => c.actor },
  { key: 'gender', label: 'Gender', width: 'minmax(5rem, 0.7fr)', numeric: false, text: (c) => c.gender, sortValue: (c) => c.gender },
  { key: 'duration', label: 'Duration (s)', width: 'minmax(6.5rem, 0.8fr)', numeric: true, text: (c) => formatSeconds(c.durationSec), sortValue: (c) => c.durationSec },
  { key: 'sampleRate', label: 'Sample rate', width: 'minmax(6.5rem, 0.8fr)', numeric: true, text: (c) => String(c.sampleRate), sortValue: (c) => c.sampleRate },
];

export interface ClipSort {
  column: ColumnKey;
  direction: 'ascending' | 'descending';
}

/** Stable sort by one column; `null` keeps the engine's order. */
export function sortClips(clips: Clip[], sort: ClipSort | null): Clip[] {
  if (sort === null) return clips;
  const column = CLIP_COLUMNS.find((c) => c.key === sort.column);
  if (!column) return clips;
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return clips
    .map((clip, index) => ({ clip, index, value: column.sortValue(clip) }))
    .sort((a, b) => {
      const order = a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
      return order === 0 ? a.index - b.index : order * sign;
    })
    .map((entry) => entry.clip);
}

/** Header click cycle: ascending → descending → engine order. */
export function nextSort(current: ClipSort | null, column: ColumnKey): ClipSort | null {
  if (current?.column !== column) return { column, direction: 'ascending' };
  return current.direction === 'ascending' ? { column, direction: 'descending' } : null;
}

export const STATEMENT_OPTIONS = (Object.keys(STATEMENTS) as Array<`${Statement}`>).map((key) => ({
  value: key,
  label: `${key} — ${STATEMENTS[Number(key) as Statement]}`,
}));
