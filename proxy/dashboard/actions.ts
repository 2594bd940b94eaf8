import { spawn } from 'node:child_process';
import { DUAL_BIN } from '../dual-bin.js';

/**
 * Dashboard actions run the dual CLI itself, as a user would: `node bin/dual.js stop <id>`,
 * an argv (never a shell), with this proxy's DUAL_HOME. The proxy does not import the
 * workspace manager (they sit side by side), and every rule the CLI keeps (destroy's
 * refusals, locks, attached containers following their workspace) holds here unchanged.
 *
 * An action is accepted at once and its outcome travels in the live snapshot, keyed by the
 * page's own request id: starting or stopping a container changes the host's network
 * interfaces, and Chromium then drops its HTTP/2 connections (ERR_NETWORK_CHANGED), so an
 * answer held until the CLI finished would often be lost. A page may resend a request id it
 * is unsure about; the action runs once.
 */
const ACTIONS = ['start', 'stop', 'restart', 'destroy'] as const;
export type Action = (typeof ACTIONS)[number];

export function isAction(value: string): value is Action {
  return (ACTIONS as readonly string[]).includes(value);
}

export const REQUEST_ID = /^[a-z0-9-]{8,64}$/;

export interface ActionRecord {
  requestId: string;
  workspace: string;
  action: Action;
  force: boolean;
  state: 'running' | 'done' | 'failed';
  /** The CLI's own one-line message on failure (`dual: ...` without the prefix). */
  message: string;
  /** Destroy refused because work would be lost: the page may offer to force it. */
  forceable: boolean;
  startedAt: number;
}

const ACTION_TIMEOUT_MS = 5 * 60_000;
const MAX_PARALLEL = 4;
/** Finished actions stay in the snapshot this long, so a page that reconnects still learns the outcome. */
const KEEP_FINISHED_MS = 5 * 60_000;
const MAX_KEPT = 100;

export class ActionRunner {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly records = new Map<string, ActionRecord>();

  constructor(
    private readonly home: string,
    private readonly changed: () => void,
    private readonly bin: string = DUAL_BIN,
  ) {}

  /** `id` must already be known to the route table: it is never an option or a path. */
  submit(requestId: string, action: Action, id: string, force: boolean): ActionRecord {
    const existing = this.records.get(requestId);
    if (existing) return existing;
    this.forgetOld();
    const record: ActionRecord = { requestId, workspace: id, action, force, state: 'running', message: '', forceable: false, startedAt: Date.now() };
    this.records.set(requestId, record);
    void this.run(record);
    this.changed();
    return record;
  }

  recent(): ActionRecord[] {
    return [...this.records.values()];
  }

  private async run(record: ActionRecord): Promise<void> {
    await this.slot();
    try {
      const args = [this.bin, record.action, record.workspace, ...(record.action === 'destroy' && record.force ? ['--force'] : [])];
      const { code, stderr } = await runChild(args, this.home);
      if (code === 0) {
        record.state = 'done';
        record.message = `${record.action} done`;
      } else {
        record.state = 'failed';
        record.message = lastDualLine(stderr) ?? `dual ${record.action} ${record.workspace} failed with exit code ${code}`;
        record.forceable = record.action === 'destroy' && !record.force && /--force\b/.test(record.message);
      }
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
      this.changed();
    }
  }

  private forgetOld(): void {
    const cutoff = Date.now() - KEEP_FINISHED_MS;
    for (const [key, record] of this.records) {
      if (record.state !== 'running' && (record.startedAt < cutoff || this.records.size > MAX_KEPT)) this.records.delete(key);
    }
  }

  private async slot(): Promise<void> {
    if (this.running >= MAX_PARALLEL) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
  }
}

/** Runs `node <args>` with this DUAL_HOME: the CLI's exit code and the tail of its stderr (also used to wake and put to sleep). */
export function runChild(args: string[], home: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, DUAL_HOME: home },
      cwd: home,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-8_000)));
    const timer = setTimeout(() => child.kill('SIGTERM'), ACTION_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stderr: `dual: could not run the dual CLI: ${error.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** The CLI reports an error as one `dual: ...` line on stderr (progress lines come before it). */
export function lastDualLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('dual: '));
  const last = lines[lines.length - 1];
  return last?.slice('dual: '.length);
}
