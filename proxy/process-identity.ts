import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Who a pid is, beyond the number: pids are reused (after a `kill -9`, a reboot), so a pid
 * file naming a live process proves nothing by itself. A process writes its identity next
 * to its pid; a reader believes the file only when the live process still has it.
 *
 * Linux: boot id + start time in clock ticks since boot (/proc/<pid>/stat field 22). Two
 * processes never share both, and the boot id makes a file from before a reboot stale.
 * Elsewhere (macOS): `ps -o lstart=`, the start time to the second; a reused pid started
 * in the same second as the dead proxy is the only way to be fooled.
 */
export function processIdentity(pid: number): string | undefined {
  if (process.platform === 'linux') return linuxIdentity(pid);
  try {
    const started = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return started ? `ps:${started}` : undefined;
  } catch {
    return undefined;
  }
}

function linuxIdentity(pid: number): string | undefined {
  try {
    const start = startTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    if (start === undefined) return undefined;
    return `linux:${readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()}:${start}`;
  } catch {
    return undefined;
  }
}

/**
 * Field 22 of /proc/<pid>/stat. Field 2 is the command name in parentheses and may itself
 * hold spaces and parentheses, so fields are counted from the last `)`. Pure.
 */
export function startTicks(stat: string): string | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  // After ") " come field 3 (state), 4, ...: field 22 is the 20th of them.
  const value = stat.slice(close + 2).split(' ')[19];
  return value && /^\d+$/.test(value) ? value : undefined;
}

/** Is `pid` alive and still the process that recorded `identity`? */
export function isSameProcess(pid: number, identity: string): boolean {
  return processIdentity(pid) === identity;
}
