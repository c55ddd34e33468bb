import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { LocalEmulator } from './run.js';

/**
 * The emulator to compare with, as `npm run emulator` runs it: its CLI (src/emulator/cli.ts,
 * compiled beside this tool) as a child process on a free loopback port. A process rather than an
 * import: this way the check talks HTTP to both sides alike, and the emulator reads only its flags.
 */

/** The tenant the check lists as: alice's project, under a token of its own. */
export const CHECK_TENANT = { token: 'contract-check', projectId: '0a5b4c3d2e1f4a9b8c7d6e5f4a3b2c1d' } as const;

const START_TIMEOUT_MS = 20_000;

export async function spawnEmulator(script: string, timeoutMs = START_TIMEOUT_MS): Promise<LocalEmulator> {
  // No environment: the flags alone set the emulator up (no PORT or EMULATOR_* of this shell), and the real side's token must not reach it.
  const child = spawn(process.execPath, [script, '--port', '0', '--tenants', `${CHECK_TENANT.token}:${CHECK_TENANT.projectId}`], {
    env: {},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit');
  const close = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`it did not say where it listens within ${timeoutMs} ms`)), timeoutMs);
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const match = /listening on (http:\/\/\S+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${script} exited with code ${code}${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
      });
    });
    // Its output is no longer needed, but must keep flowing.
    child.stdout.resume();
    return { url, token: CHECK_TENANT.token, close };
  } catch (error) {
    await close();
    throw error;
  }
}
