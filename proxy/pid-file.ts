import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DualError } from '../src/model/errors.js';
import { isSameProcess, processIdentity } from './process-identity.js';

/**
 * A pid file names a process by its pid and its identity (process-identity.ts), one per
 * line: `<pid>\n<identity>\n`. A file whose process is gone, or whose pid now belongs to
 * another process (reused after a kill -9 or a reboot), is stale: it is never reported as
 * running, never blocks a start, and its pid is never signalled.
 */
export interface PidHolder {
  pid: number;
  /** Undefined for a file written by a dual before identities (checked by command line). */
  identity?: string;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pure: the file's text to pid and identity; undefined when it is not a pid file. */
export function parsePidFile(text: string): PidHolder | undefined {
  const [first, second] = text.split('\n');
  const pid = Number(first?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const identity = second?.trim();
  return identity ? { pid, identity } : { pid };
}

/** The process the file names, when it is alive and still that process; a stale file reads as undefined. */
export function readLiveHolder(file: string): PidHolder | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const holder = parsePidFile(text);
  return holder && isStillHolder(holder) ? holder : undefined;
}

export function readLivePid(file: string): number | undefined {
  return readLiveHolder(file)?.pid;
}

/** Is the process the file named still running as that same process? */
export function isStillHolder(holder: PidHolder): boolean {
  if (holder.identity !== undefined) return isSameProcess(holder.pid, holder.identity);
  return isAlive(holder.pid) && looksLikeDualProxy(holder.pid);
}

/** Sends `signal` only if the pid is still the process the file named: never to a reused pid. */
export function signalHolder(holder: PidHolder, signal: NodeJS.Signals): boolean {
  if (!isStillHolder(holder)) return false;
  try {
    process.kill(holder.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Exclusive create: of two processes started at once exactly one gets the file, so two
 * proxies never fight over the ports. A stale file is taken over.
 */
export function claimPidFile(file: string, what = 'a dual proxy'): void {
  mkdirSync(dirname(file), { recursive: true });
  const identity = processIdentity(process.pid) ?? '';
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n${identity}\n`, { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readLivePid(file);
    if (holder !== undefined && holder !== process.pid) {
      throw new DualError(`${what} is already running (pid ${holder}); stop it with \`dual proxy stop\` first`);
    }
    rmSync(file, { force: true });
  }
  throw new DualError(`could not create ${file}; remove it and try again`);
}

/** Removes the file only if it is still ours (a stale proxy must not delete a new one's file). */
export function releasePidFile(file: string): void {
  try {
    if (parsePidFile(readFileSync(file, 'utf8'))?.pid === process.pid) rmSync(file, { force: true });
  } catch {
    // already gone
  }
}

/** For a pid file without identity: its process must at least be a `dual proxy`. */
function looksLikeDualProxy(pid: number): boolean {
  let command: string;
  try {
    command =
      process.platform === 'linux'
        ? readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
        : execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return false;
  }
  return /dual/.test(command) && / proxy\b/.test(command);
}
