import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // The indexing, extraction, training and prediction workers are entries of their own: worker threads load them by file.
      rollupOptions: {
        input: {
          index: resolve('electron/main/index.ts'),
          extractWorker: resolve('electron/core/extraction/worker.ts'),
          trainWorker: resolve('electron/core/training/trainWorker.ts'),
          predictWorker: resolve('electron/core/prediction/worker.ts'),
          indexWorker: resolve('electron/core/dataset/indexWorker.ts'),
        },
        output: { entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    // A sandboxed preload can only `require('electron')`: bundle everything into one CommonJS file.
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [svelte({ configFile: resolve('svelte.config.js') })],
    build: {
      outDir: resolve('out/renderer'),
      rollupOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
});
