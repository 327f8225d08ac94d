#!/usr/bin/env node
// The CLI runs the TypeScript sources through tsx, so `npx emotion-studio …` works right after
// `npm install` with no build step, and always runs the code in this checkout.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
