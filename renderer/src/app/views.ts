/** The app's top-level views, in nav order. Adding a view (e.g. Train) means adding an entry here and a branch in App.svelte. */
export const VIEWS = [
  { id: 'dataset', label: 'Dataset' },
  { id: 'clip', label: 'Clip' },
  { id: 'experiments', label: 'Experiments' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];
