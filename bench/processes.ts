import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * The two processes under test (the emulator and the GraphQL server, each started from `dist/` as
 * its own `node` process) and what the benchmark reads about them from /proc: CPU time and RSS.
 */

export interface Started {
  /** The URL the process printed on start-up. */
  url: string;
  pid: number;
  child: ChildProcess;
  /** Output after the start-up line (warnings, errors), kept for the report (piped output only). */
  output: string[];
  /** The file the process writes its output to, when it was given one. */
  logFile?: string | undefined;
}

const running = new Set<ChildProcess>();

export interface StartOptions {
  env: NodeJS.ProcessEnv;
  /** Matches the start-up line; its first group is the URL. */
  ready: RegExp;
  cwd?: string;
  /**
   * Where the process's output goes. Default: piped to the benchmark, lines kept in `output`. With
   * a file, the process writes to it directly (as a server logging to a file or a collector would,
   * without the benchmark's own process reading every access line), and the file is read for the ready line.
   */
  logFile?: string;
  /** Flags for node itself, before the script (e.g. --cpu-prof, which NODE_OPTIONS may not carry). */
  nodeArgs?: string[];
  timeoutMs?: number;
}

/**
 * Starts `node <script> ...args` and waits for the line matching `ready`. Rejects when the process
 * exits first or says nothing for `timeoutMs`.
 */
export function startNode(script: string, args: string[], { env, ready, cwd, logFile, nodeArgs = [], timeoutMs = 30_000 }: StartOptions): Promise<Started> {
  const fd = logFile === undefined ? undefined : openSync(logFile, 'w');
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], { env, cwd, stdio: fd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', fd, fd] });
  if (fd !== undefined) closeSync(fd);
  running.add(child);
  child.once('exit', () => running.delete(child));
  const output: string[] = [];
  return new Promise<Started>((resolve, reject) => {
    let started = false;
    let poll: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => fail(new Error(`${script} printed no ${ready} within ${timeoutMs} ms:\n${[...output, ...fileLines()].join('\n')}`)), timeoutMs);
    const onExit = (code: number | null): void => fail(new Error(`${script} exited (${code}) before it was ready:\n${[...output, ...fileLines()].join('\n')}`));
    child.once('exit', onExit);
    child.once('error', fail);
    function fileLines(): string[] {
      return logFile === undefined ? [] : readFileSync(logFile, 'utf8').split('\n').slice(0, 50);
    }
    const onLine = (line: string): void => {
      if (line.trim() === '') return;
      const match = started ? null : ready.exec(line);
      if (match) {
        started = true;
        clearTimeout(timer);
        clearInterval(poll);
        child.off('exit', onExit);
        output.length = 0;
        resolve({ url: match[1]!, pid: child.pid!, child, output, logFile });
      } else if (output.length < 1000) {
        output.push(line);
      }
    };
    if (logFile === undefined) {
      createInterface({ input: child.stdout! }).on('line', onLine);
      createInterface({ input: child.stderr! }).on('line', onLine);
    } else {
      poll = setInterval(() => {
        for (const line of fileLines()) if (!started) onLine(line);
        output.length = 0;
      }, 100);
    }
    function fail(error: Error): void {
      clearTimeout(timer);
      clearInterval(poll);
      reject(error);
    }
  });
}

/** SIGTERM to every child still running, SIGKILL to those still there after 3 s. */
export async function stopAll(): Promise<void> {
  const children = [...running];
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), delay(3000).then(() => false)]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    }),
  );
}

/** Synchronous last resort (process 'exit'): kill what is left. */
export function killAllNow(): void {
  for (const child of running) child.kill('SIGKILL');
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time the process has used so far, in ms (from /proc/<pid>/stat; resolution 1000/CLK_TCK ms). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')': state is field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]); // field 14
  const stime = Number(fields[12]); // field 15
  return ((utime + stime) * 1000) / CLOCK_TICKS;
}

/** Resident set size of the process now, in MB of 10^6 bytes (VmRSS of /proc/<pid>/status, which counts KiB). */
export function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
  return (kib * 1024) / 1e6;
}

/** Samples a process's RSS every `everyMs`; `peak()` is the highest since the last `reset()`. */
export class RssSampler {
  private highest = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    everyMs = 100,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  peak(): number {
    this.sample();
    return this.highest;
  }

  reset(): void {
    this.highest = 0;
    this.sample();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    try {
      this.highest = Math.max(this.highest, rssMB(this.pid));
    } catch {
      // The process is gone; the peak so far stands.
    }
  }
}
