import { spawn } from 'node:child_process';
import { DUAL_BIN } from '../dual-bin.js';

/**
 * Dashboard actions run the dual CLI itself, as a user would: `node bin/dual.js stop <id>`,
 * an argv (never a shell), with this proxy's DUAL_HOME. The proxy does not import the
 * workspace manager (they sit side by side), and every rule the CLI keeps (destroy's
 * refusals, locks, attached containers following their workspace) holds here unchanged.
 */
export const ACTIONS = ['start', 'stop', 'restart', 'destroy'] as const;
export type Action = (typeof ACTIONS)[number];

export function isAction(value: string): value is Action {
  return (ACTIONS as readonly string[]).includes(value);
}

export interface ActionResult {
  ok: boolean;
  /** The CLI's own one-line message on failure (`dual: ...` without the prefix). */
  message: string;
  /** Destroy refused because work would be lost: the page may offer to force it. */
  forceable: boolean;
}

const ACTION_TIMEOUT_MS = 5 * 60_000;
const MAX_PARALLEL = 4;

export class ActionRunner {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly home: string,
    private readonly bin: string = DUAL_BIN,
  ) {}

  /** `id` must already be known to the route table: it is never an option or a path. */
  async run(action: Action, id: string, force: boolean): Promise<ActionResult> {
    await this.slot();
    try {
      const args = [this.bin, action, id, ...(action === 'destroy' && force ? ['--force'] : [])];
      const { code, stderr } = await runChild(args, this.home);
      if (code === 0) return { ok: true, message: `${id}: ${action} done`, forceable: false };
      const message = lastDualLine(stderr) ?? `dual ${action} ${id} failed with exit code ${code}`;
      return { ok: false, message, forceable: action === 'destroy' && !force && /--force\b/.test(message) };
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }

  private async slot(): Promise<void> {
    if (this.running >= MAX_PARALLEL) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
  }
}

function runChild(args: string[], home: string): Promise<{ code: number | null; stderr: string }> {
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
