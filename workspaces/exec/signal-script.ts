/**
 * `docker exec` has no way to signal the process it started (docker/cli#2607): Ctrl-C on the
 * client leaves a dev server running and holding its port. dual tags every exec with a
 * unique DUAL_EXEC_ID in its environment, which its children inherit, and delivers a signal
 * by running this script as root inside the container: it signals every process carrying the
 * tag, the whole tree, as a terminal does with its foreground process group.
 */
export const EXEC_ID_ENV = 'DUAL_EXEC_ID';

const SIGNAL_NAMES = new Set(['INT', 'TERM', 'HUP', 'QUIT', 'KILL', 'USR1', 'USR2']);

export function signalScript(execTag: string, signal: NodeJS.Signals): string[] {
  const name = signal.replace(/^SIG/, '');
  if (!SIGNAL_NAMES.has(name)) throw new Error(`unsupported signal ${signal}`);
  if (!/^[a-f0-9]+$/.test(execTag)) throw new Error('exec tag must be hex');
  // Both values are validated above, so they are safe inside the script text.
  const script =
    `for d in /proc/[0-9]*; do ` +
    `if tr '\\0' '\\n' < "$d/environ" 2>/dev/null | grep -qx '${EXEC_ID_ENV}=${execTag}'; then ` +
    `kill -${name} "\${d#/proc/}" 2>/dev/null; fi; done; true`;
  return ['sh', '-c', script];
}
