import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnEntry(entry: string, args: string[], env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', entry, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs a TypeScript entry point of the project as its own process (as `npm start` / `npm run cli` would, without the build). */
export function runEntry(entry: string, args: string[], env: Record<string, string>, stdin?: string): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawnEntry(entry, args, env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/**
 * Starts an entry point that keeps running (the API), waits until its standard output contains `ready`, then stops it
 * with SIGTERM and answers everything it wrote. Rejects when it exits before it is ready.
 */
export function runUntilReady(entry: string, env: Record<string, string>, ready: string): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawnEntry(entry, [], env);
    let stdout = '';
    let stderr = '';
    let isReady = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!isReady && stdout.includes(ready)) {
        isReady = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (isReady ? resolve({ code, stdout, stderr }) : reject(new Error(`exited with ${code} before "${ready}":\n${stdout}\n${stderr}`))));
    child.stdin.end();
  });
}
