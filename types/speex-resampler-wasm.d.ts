// @echogarden/speex-resampler-wasm ships no declarations: its default export is an emscripten
// module factory. electron/core/audio/resample.ts describes the functions it uses.
declare module '@echogarden/speex-resampler-wasm/simd' {
  const factory: () => Promise<unknown>;
  export default factory;
}
