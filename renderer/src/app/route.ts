/**
 * The current view and what it has selected, as the URL's hash, so a reload (or a copied link) opens the
 * same place: `#/dataset`, `#/clip/<datasetId>/<clipId>`, `#/train`, `#/experiments/<id>`,
 * `#/compare/<id>,<id>…`. The hash, because browser mode's query string carries the token and the
 * desktop app loads a file URL; changing it never reloads the page.
 */
import { VIEWS, type ViewId } from './views';

export type Route =
  | { view: 'dataset' }
  | { view: 'clip'; clip: { datasetId: number; clipId: number } | null }
  | { view: 'train' }
  | { view: 'experiments'; experimentId: number | null }
  | { view: 'compare'; ids: number[] };

const DEFAULT_ROUTE: Route = { view: 'dataset' };

const id = (text: string | undefined): number | null => (text !== undefined && /^[1-9]\d{0,15}$/.test(text) ? Number(text) : null);

/** Whatever the hash says; anything unknown or malformed is the Dataset view. */
export function parseRoute(hash: string): Route {
  const [view, ...rest] = hash.replace(/^#\/?/, '').split('/');
  if (!VIEWS.some((v) => v.id === view)) return DEFAULT_ROUTE;
  switch (view as ViewId) {
    case 'clip': {
      const datasetId = id(rest[0]);
      const clipId = id(rest[1]);
      return { view: 'clip', clip: datasetId !== null && clipId !== null ? { datasetId, clipId } : null };
    }
    case 'experiments':
      return { view: 'experiments', experimentId: id(rest[0]) };
    case 'compare': {
      const ids = (rest[0] ?? '').split(',').map(id);
      return { view: 'compare', ids: ids.every((x) => x !== null) && rest[0] ? [...new Set(ids as number[])] : [] };
    }
    case 'train':
      return { view: 'train' };
    default:
      return DEFAULT_ROUTE;
  }
}

export function formatRoute(route: Route): string {
  switch (route.view) {
    case 'clip':
      return route.clip ? `#/clip/${route.clip.datasetId}/${route.clip.clipId}` : '#/clip';
    case 'experiments':
      return route.experimentId === null ? '#/experiments' : `#/experiments/${route.experimentId}`;
    case 'compare':
      return route.ids.length > 0 ? `#/compare/${route.ids.join(',')}` : '#/compare';
    default:
      return `#/${route.view}`;
  }
}
