/** Small display formatters shared by features. Numbers are shown without grouping separators. */

export const twoDigits = (n: number): string => String(n).padStart(2, '0');

export function formatSeconds(seconds: number, digits = 2): string {
  return seconds.toFixed(digits);
}

/** `1 h 23 min`, `4 min 05 s`, `12.3 s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h} h ${twoDigits(m)} min` : `${m} min ${twoDigits(s)} s`;
}

export function formatDateTime(iso: string | null): string {
  if (iso === null) return 'never';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function fileName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? path : path.slice(slash + 1);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
