/** The real `emotion-studio serve` (browser mode) as a child process, for e2e and server tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { CLI } from './cli';
import { tempDir } from './fixtureCorpus';

export interface Served {
  url: string;
  process: ChildProcess;
  /** What the server wrote to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

export async function serve(dbFile = path.join(tempDir('e2e-db'), 'db.sqlite'), args: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--db', dbFile, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /at (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('close', (code) => reject(new Error(`serve exited (${code}) before printing its URL: ${stderr}`)));
  });
  return {
    url,
    process: child,
    stderr: () => stderr,
    stop: () =>
      new Promise<void>((resolve) => {
        // Ended already: with a code, or by a signal (then exitCode stays null).
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('close', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

