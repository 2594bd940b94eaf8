import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DualError } from '../src/errors.js';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in the file when that process is alive; a stale file reads as undefined. */
export function readLivePid(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

/**
 * Exclusive create: of two proxies started at once exactly one gets the file, so two never
 * fight over the ports. A file left by a dead process is taken over.
 */
export function claimPidFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readLivePid(file);
    if (holder !== undefined && holder !== process.pid) {
      throw new DualError(`a dual proxy is already running (pid ${holder}); stop it with \`dual proxy stop\` first`);
    }
    rmSync(file, { force: true });
  }
  throw new DualError(`could not create ${file}; remove it and try again`);
}

/** Removes the file only if it is still ours (a stale proxy must not delete a new one's file). */
export function releasePidFile(file: string): void {
  try {
    if (Number(readFileSync(file, 'utf8').trim()) === process.pid) rmSync(file, { force: true });
  } catch {
    // already gone
  }
}
