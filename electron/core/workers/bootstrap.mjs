// Starts a TypeScript worker entry under tsx (the CLI and tests run the sources; Node 20 ignores
// `--import` in a Worker's execArgv, so the loader is registered here, inside the worker thread).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__entry);
