import { readdirSync, readFileSync } from 'node:fs';
import { ApiTransport } from '../src/adapters/docker/api-transport.js';

/**
 * CPU time of the parties to a page load (Linux /proc and cgroup files), to tell a CPU-bound
 * load from a latency-bound one: on 2 cores a load can take no less than the CPU its parties
 * use divided by 2, whatever the protocol.
 */

/** Kernel clock ticks are 10 ms on every Linux this runs on (USER_HZ = 100). */
const MS_PER_TICK = 10;

interface ProcStat {
  ppid: number;
  comm: string;
  cpuMs: number;
}

function procStat(pid: number | string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    // Fields after the command name: state ppid ... utime (14th field) stime (15th).
    const fields = text.slice(close + 2).split(' ');
    return { ppid: Number(fields[1]), comm: text.slice(text.indexOf('(') + 1, close), cpuMs: (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK };
  } catch {
    return undefined; // gone, or not Linux
  }
}

/** User + system CPU of one process so far, ms (0 when it cannot be read). */
export function processCpuMs(pid: number | undefined): number {
  return pid === undefined ? 0 : (procStat(pid)?.cpuMs ?? 0);
}

/**
 * CPU so far of every Chromium process this process started (the browser and all its
 * helpers: renderers, network service, GPU), by pid: a helper that appears during a load
 * counts from zero, so the difference of two snapshots is the load's own.
 */
export function chromiumCpuSnapshot(): Map<number, number> {
  const all = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(entry);
    if (stat) all.set(Number(entry), stat);
  }
  const inTree = new Set<number>();
  for (const [pid, stat] of all) if (stat.ppid === process.pid && stat.comm.startsWith('chrom')) inTree.add(pid);
  for (let grew = inTree.size > 0; grew; ) {
    grew = false;
    for (const [pid, stat] of all) {
      if (!inTree.has(pid) && inTree.has(stat.ppid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  return new Map([...inTree].map((pid) => [pid, all.get(pid)!.cpuMs]));
}

export function chromiumCpuSince(before: ReadonlyMap<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of chromiumCpuSnapshot()) sum += ms - (before.get(pid) ?? 0);
  return sum;
}

/** A container's CPU so far (its cgroup's usage, cgroup v1 or v2), ms; a reader that returns undefined when the files are not there. */
export async function containerCpuReader(containerName: string): Promise<() => number | undefined> {
  const docker = new ApiTransport();
  let id: string;
  try {
    id = (await docker.request<{ Id: string }>('GET', `/containers/${containerName}/json`)).Id;
  } finally {
    docker.close();
  }
  const v1 = `/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`;
  const v2 = [`/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`, `/sys/fs/cgroup/docker/${id}/cpu.stat`];
  return () => {
    try {
      return Number(readFileSync(v1, 'utf8')) / 1e6;
    } catch {
      for (const path of v2) {
        try {
          const usec = /^usage_usec (\d+)$/m.exec(readFileSync(path, 'utf8'));
          if (usec) return Number(usec[1]) / 1e3;
        } catch {
          // next layout
        }
      }
      return undefined;
    }
  };
}
