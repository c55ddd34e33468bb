import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * A throwaway `redis-server` for one test file: on a free loopback port, no persistence, no system
 * service. `stop()` and `start()` again (same port) play Redis going away and coming back.
 * `.ci/run` installs Debian's redis-server when it is missing; without it (outside CI) the tests
 * that need it are skipped, loudly.
 */

export const HAS_REDIS = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

if (!HAS_REDIS) {
  const message = 'redis-server is not installed: the shared-state (Redis) tests are skipped (apt-get install -y redis-server; .ci/run does)';
  if (process.env.CI) throw new Error(message);
  process.stderr.write(`\n*** ${message} ***\n\n`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RedisServer {
  url: string;
  port: number;
  /** Kills the server (SIGKILL: as abrupt as a crash) and waits for it to be gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open, nothing is answered, as with a hung server. */
  pause(): void;
  /** Lets a frozen server go on (SIGCONT). */
  resume(): void;
  /** Runs `redis-cli` against it and returns its output. */
  cli(...args: string[]): string;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const process = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          process.stdout.off('data', onData);
          process.stdout.resume();
          resolve();
        }
      };
      process.stdout.on('data', onData);
      process.stderr.resume();
      process.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
    });
    child = process;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      running.kill('SIGCONT');
      const exited = once(running, 'exit');
      running.kill('SIGKILL');
      await exited;
    },
    start,
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    cli(...args: string[]) {
      const result = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' });
      return result.stdout.trim();
    },
  };
}
