/** Vite's `?raw` import: the file's text (the Train view bundles configs/default.yaml this way). */
declare module '*?raw' {
  const text: string;
  export default text;
}
