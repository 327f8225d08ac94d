// `npm test`: lint → typecheck → build → security scan → unit/integration (node + jsdom) → end-to-end (Chromium).
// Stops at the first failing step and exits non-zero.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ensureNodeAbi } from './native.js';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const steps = [
  ['lint', bin('eslint'), ['.']],
  ['typecheck (tsc)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']],
  ['typecheck (svelte-check)', bin('svelte-check'), ['--tsconfig', './tsconfig.json', '--fail-on-warnings', '--output', 'human']],
  ['build', process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']],
  // Over the sources and the fresh build: electronegativity, the CSP, no TensorFlow.js in the renderer.
  ['security scan', process.execPath, [path.join(root, 'scripts/securityScan.js')]],
  ['unit + integration + e2e', bin('vitest'), ['run']],
];

ensureNodeAbi();
for (const [name, cmd, args] of steps) {
  process.stdout.write(`\n▶ ${name}\n`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stdout.write(`\n✗ ${name} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
  process.stdout.write(`✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
