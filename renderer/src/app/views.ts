/** The app's top-level views, in nav order. Adding a view means adding an entry here and a branch in App.svelte. */
export const VIEWS = [
  { id: 'dataset', label: 'Dataset' },
  { id: 'clip', label: 'Clip' },
  { id: 'train', label: 'Train' },
  { id: 'experiments', label: 'Experiments' },
  { id: 'compare', label: 'Compare' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];
