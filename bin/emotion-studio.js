#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx, so `npx emotion-studio …` works right after
// `npm install` with no build step, and always runs the code in this checkout.
import { register } from 'tsx/esm/api';
import { builtForElectron, ensureNodeAbi } from '../scripts/native.js';

// After `npm install` or `npm start` with the Electron binary present, better-sqlite3 is built for
// Electron; put the Node build back (a file copy once it has been built) before the engine loads it.
if (builtForElectron()) ensureNodeAbi();
register();
const { main } = await import('../electron/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
