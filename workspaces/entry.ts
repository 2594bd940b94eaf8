import type { DualJson } from '../src/adapters/config/dual-json.js';
import { SETUP_HOLD_FILE, SETUP_STATE_FILE, SETUP_STATE_MOUNT } from '../src/model/setup-state.js';

/**
 * The workspace container's main process: a small POSIX sh script written by dual (never
 * taken from the branch) that runs `setup`, then execs `start`. Because setup is part of the
 * main process:
 * - `start` never runs before setup succeeded (a real `vite` fails before `npm ci` ends);
 * - setup survives a killed CLI, and can never run twice at once in one workspace;
 * - its output is in the container's log, ahead of start's (`dual logs`);
 * - it runs once per container: a restart skips it once it succeeded, reruns it after a failure.
 * A failed setup is recorded with its exit code and the container idles, so `dual exec` still
 * works for debugging and list/status/the proxy can say "setup failed (exit N)".
 *
 * Arguments: $1 setup (may be empty), $2 start (may be empty), then the named volumes'
 * mount points, which dual hands to the host user right after the container starts (the
 * script waits, bounded, until it may write them). It also waits (bounded, 300 s) while dual
 * holds it (SETUP_HOLD_FILE): a new container starts while `dual create` still copies local
 * files and seeds, and setup begins once they are in place.
 */
export const ENTRY_SCRIPT = `state=${SETUP_STATE_MOUNT}/${SETUP_STATE_FILE}
setup=$1; start=$2; shift 2
idle() { exec sleep 2147483647; }
record() { { printf '%s\\n' "$1" > "$state.tmp" && mv -f "$state.tmp" "$state"; } || echo "dual: cannot record the setup state in ${SETUP_STATE_MOUNT}" >&2; }
needs_setup=
if [ -n "$setup" ] && [ "$(cat "$state" 2>/dev/null)" != ok ]; then needs_setup=1; record running; fi
for dir in "$@"; do n=0; while [ ! -w "$dir" ] && [ "$n" -lt 300 ]; do sleep 0.1; n=$((n+1)); done; done
n=0; while [ -e ${SETUP_STATE_MOUNT}/${SETUP_HOLD_FILE} ] && [ "$n" -lt 3000 ]; do sleep 0.1; n=$((n+1)); done
if [ -n "$needs_setup" ]; then
  echo "dual: setup: $setup" >&2
  sh -c "$setup" </dev/null
  code=$?
  if [ "$code" -ne 0 ]; then
    record "failed $code"
    echo "dual: setup failed (exit $code); start does not run until setup succeeds" >&2
    idle
  fi
  record ok
  echo "dual: setup done" >&2
fi
[ -n "$start" ] || idle
exec sh -c "$start"`;

/** Version of the protocol between dual and the script (label dual.entry). */
export const ENTRY_PROTOCOL = '1';

/** Log lines the script prints when setup ends, so a follower knows setup's output is complete. */
export const SETUP_END_MARKERS = ['dual: setup done', 'dual: setup failed (exit '];

/** The container's Cmd: `sh -c <entry script> dual-entry <setup> <start> <volume mount points...>`. */
export function entryCommand(config: Pick<DualJson, 'setup' | 'start'>, volumeTargets: string[]): string[] {
  return ['sh', '-c', ENTRY_SCRIPT, 'dual-entry', config.setup ?? '', config.start ?? '', ...volumeTargets];
}
