/** The app's top-level views, in nav order. Adding Train / Experiments / Clip means adding an entry here and a branch in App.svelte. */
export const VIEWS = [{ id: 'dataset', label: 'Dataset' }] as const;

export type ViewId = (typeof VIEWS)[number]['id'];
